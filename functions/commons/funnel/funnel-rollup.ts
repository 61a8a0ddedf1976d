import { logger } from '#shared/observability.ts';

/**
 * A key's funnel (a creator's taps, a job's funnel), rolled up by the key's own reads (docs/capacity.md, "a per-key
 * rollup kept by the key's reads"). Counting everything a key ever had means scanning the funnel log since its first
 * record on each read. But a day is final once no record of it can still arrive, so each key has one item with its
 * tally through its last final day; a read counts the log only after that day and, when another day has become
 * final, moves the item forward by one conditional write.
 *
 * A tally has two kinds of entry. A **count** adds up per day: the records of a tap or a page view (id: the request
 * id) share their `at`, so each falls on one side of any day boundary. An **id set** does not: an application's or
 * a hire's records (id: the application id) are written again with a later `at` (a retried request, a status
 * changed back and forth), so those are kept as ids and counted as the size of their union. The answer is exact
 * either way; it never depends on the item: a read that cannot get it counts the whole log, and a write that fails
 * leaves the next read to count those days again.
 */

/**
 * A tap day is final 25 h after it ended: Firehose retries a delivery to S3 for up to 24 h, and a record's `at` is
 * when it was written, so a day's last records may land in the log a day later.
 */
export const FINAL_AFTER_MS = 25 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Entries (counts, and ids in the id sets) an item holds at most: about 40 bytes each, well inside DynamoDB's
 * 400 KB. A key with more is read from the log each time, as before the rollup.
 */
export const MAX_ROLLUP_ENTRIES = 5_000;

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const startOf = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);
const dayAfter = (day: string): string => dayOf(startOf(day) + DAY_MS);
export const dayBefore = (day: string): string => dayOf(startOf(day) - DAY_MS);

/** The latest day (UTC, `YYYY-MM-DD`) whose records have all arrived at `now`. */
export const finalTapDay = (now: number): string =>
  dayOf(Math.floor((now - FINAL_AFTER_MS) / DAY_MS) * DAY_MS - DAY_MS);

/** The instant a day ends (the next day's first), as the log's `at` values are written. */
export const dayEnd = (day: string): string => new Date(startOf(day) + DAY_MS).toISOString();

/** The rollup keys of a creator and of a job. */
export const creatorRollupKey = (profileId: string): string => `CREATOR#${profileId}`;
export const jobRollupKey = (jobId: string): string => `JOB#${jobId}`;

/** Counts and id sets, each under its entry's name (a video, a kind and a video). */
export interface Tally {
  readonly counts: Readonly<Record<string, number>>;
  readonly ids: Readonly<Record<string, readonly string[]>>;
}

export const EMPTY_TALLY: Tally = { counts: {}, ids: {} };

/** A key's tally through `rolledThrough` (a final day). */
export interface Rollup extends Tally {
  readonly rolledThrough: string;
}

export interface Rollups {
  get(key: string): Promise<Rollup | undefined>;
  /**
   * Replaces `previous` (undefined: none yet) by `next`; false when another read moved it first (its tally is
   * as exact: nothing to do).
   */
  advance(key: string, previous: Rollup | undefined, next: Rollup): Promise<boolean>;
  /**
   * Writes an empty tally through `rolledThrough` where the key has no item: a key known to have no record through
   * that day (a creator before its first listing) is read from the next day on its first read.
   */
  seed(key: string, rolledThrough: string): Promise<void>;
}

/** Where a read's query starts and where it splits its rows. */
export interface ReadBounds {
  /** Rows with `at` before this instant are `settled`, the others `recent`. */
  readonly settledBefore: string;
  /** The first arrival day to read (`dt`: a record never arrives before its `at`). */
  readonly fromDay: string | undefined;
  /** The first instant to count (`at`), when the key has a rollup. */
  readonly fromAt: string | undefined;
}

/** The log's tally of one key within `bounds`, split at `settledBefore`. */
export type TallySince = (bounds: ReadBounds) => Promise<{ readonly settled: Tally; readonly recent: Tally }>;

/** `a` and `b` together: counts added, id sets united. */
export const merged = (a: Tally, b: Tally): Tally => {
  const counts = { ...a.counts };
  for (const [name, n] of Object.entries(b.counts)) counts[name] = (counts[name] ?? 0) + n;
  const ids: Record<string, readonly string[]> = { ...a.ids };
  for (const [name, more] of Object.entries(b.ids)) ids[name] = [...new Set([...(ids[name] ?? []), ...more])];
  return { counts, ids };
};

const entriesOf = (tally: Tally): number =>
  Object.keys(tally.counts).length + Object.values(tally.ids).reduce((sum, ids) => sum + ids.length, 0);

/**
 * Reads a key's whole tally through its rollup: `key` names the rollup item, `tallySince` counts the key's records
 * in the log, and `floorDay` is the first day the key can have records (a job's publication), if known: the first
 * read starts there instead of at the log's beginning.
 */
export const rolledUpTally =
  (
    rollups: Rollups,
    {
      now = Date.now,
      maxEntries = MAX_ROLLUP_ENTRIES,
    }: { readonly now?: () => number; readonly maxEntries?: number } = {},
  ) =>
  async (key: string, tallySince: TallySince, floorDay?: string): Promise<Tally> => {
    // Without its rollup (the table unreachable) a read counts from the floor, as before there was one.
    let unread = false;
    const rollup = await rollups.get(key).catch((error: unknown) => {
      unread = true;
      warn('a funnel rollup could not be read', error);
      return undefined;
    });
    const final = finalTapDay(now());
    const rolledFrom = rollup ? dayAfter(rollup.rolledThrough) : undefined;
    // The later of the two bounds known (days compare as strings).
    const fromDay = [rolledFrom, floorDay]
      .filter((day) => day !== undefined)
      .sort()
      .at(-1);
    const { settled, recent } = await tallySince({
      settledBefore: dayEnd(final),
      fromDay,
      fromAt: rollup ? dayEnd(rollup.rolledThrough) : undefined,
    });
    const rolled = merged(rollup ?? EMPTY_TALLY, settled);
    if (!unread && (!rollup || rollup.rolledThrough < final) && entriesOf(rolled) <= maxEntries) {
      await rollups
        .advance(key, rollup, { rolledThrough: final, ...rolled })
        .catch((error: unknown) => warn('a funnel rollup was not advanced', error));
    }
    return merged(rolled, recent);
  };

const warn = (message: string, error: unknown): void => {
  logger.warn(message, { error: error instanceof Error ? error.name : 'unknown' });
};
