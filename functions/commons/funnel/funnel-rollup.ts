import { logger } from '#shared/observability.ts';

/**
 * A key's funnel (a creator's taps, a job's funnel), rolled up by the key's own reads (docs/capacity.md, "a per-key
 * rollup kept by the key's reads"). Counting everything a key ever had means scanning the funnel log since its first
 * record on each read. But an hour is final once no record of it can still arrive, so each key has one item with its
 * tally through its last final hour; a read counts the log only after that hour and, when a later hour has become
 * final, moves the item forward by one conditional write.
 *
 * A tally has two kinds of entry. A **count** adds up per hour: the records of a tap or a page view (id: the request
 * id) share their `at`, so each falls on one side of any hour boundary. An **id set** does not: an application's or
 * a hire's records (id: the application id) are written again with a later `at` (a retried request, a status
 * changed back and forth), so those are kept as ids and counted as the size of their union. The answer is exact
 * either way; it never depends on the item: a read that cannot get it counts the whole log, and a write that fails
 * leaves the next read to count those days again.
 */

/**
 * An hour is final, whatever Firehose reports, 25 h after it ended: Firehose retries a delivery to S3 for up to 24 h,
 * and a record's `at` is when it was written, so an hour's last records may land in the log a day later.
 */
export const FINAL_AFTER_MS = 25 * 3_600_000;
/**
 * A record enters Firehose at most this long after its `at`: the PutRecord runs within the invocation that stamped
 * it, and no function that records runs longer (lib/functions.ts, checked by the stack's tests).
 */
export const FUNNEL_PUT_WITHIN_MS = 30_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Entries (counts, and ids in the id sets) an item holds at most: about 40 bytes each, well inside DynamoDB's
 * 400 KB. A key with more is read from the log each time, as before the rollup.
 */
export const MAX_ROLLUP_ENTRIES = 5_000;

/** An hour as the rollups name it: `YYYY-MM-DDTHH` (UTC). */
export const hourOf = (ms: number): string => new Date(ms).toISOString().slice(0, 13);

/**
 * The instant an item's `rolledThrough` ends: an hour's end, or a day's (`YYYY-MM-DD`, as items were written before
 * the log was partitioned by hour).
 */
export const endOf = (through: string): number =>
  through.length === 10
    ? Date.parse(`${through}T00:00:00.000Z`) + DAY_MS
    : Date.parse(`${through}:00:00.000Z`) + HOUR_MS;

/**
 * The latest hour whose records have all arrived at `now`: by the clock, the hour that ended 25 h ago; by Firehose's
 * own report (`deliveredThrough`: every record that entered it before that instant is in S3, delivery-watermark.ts),
 * the latest hour that ended `FUNNEL_PUT_WITHIN_MS` before it, whichever is later.
 */
export const finalTapHour = (now: number, deliveredThrough?: number): string => {
  const through = Math.max(now - FINAL_AFTER_MS, (deliveredThrough ?? 0) - FUNNEL_PUT_WITHIN_MS);
  return hourOf(Math.floor(through / HOUR_MS) * HOUR_MS - HOUR_MS);
};

/** An arrival hour of the log: its `dt` and `hour` partitions. */
export interface ArrivalHour {
  readonly dt: string;
  readonly hour: string;
}

export const arrivalHourOf = (ms: number): ArrivalHour => {
  const label = hourOf(ms);
  return { dt: label.slice(0, 10), hour: label.slice(11, 13) };
};

/**
 * The rollup keys of a creator and of a job's publication: a job's funnel counts since it was published (CONTRACT
 * §8), so a job published again later starts a new tally instead of adding to the one before.
 */
export const creatorRollupKey = (profileId: string): string => `CREATOR#${profileId}`;
export const jobRollupKey = (jobId: string, since: Date): string => `JOB#${jobId}#${since.toISOString()}`;

/** Counts and id sets, each under its entry's name (a video, a kind and a video). */
export interface Tally {
  readonly counts: Readonly<Record<string, number>>;
  readonly ids: Readonly<Record<string, readonly string[]>>;
}

export const EMPTY_TALLY: Tally = { counts: {}, ids: {} };

/** A key's tally through `rolledThrough` (a final hour, or a day in an item written before hours). */
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
   * that hour (a creator before its first listing) is read from the next hour on its first read.
   */
  seed(key: string, rolledThrough: string): Promise<void>;
}

/** Where a read's query starts and where it splits its rows. */
export interface ReadBounds {
  /** Rows with `at` before this instant are `settled`, the others `recent`. */
  readonly settledBefore: string;
  /** The first arrival hour to read (`dt`, `hour`: a record never arrives before its `at`). */
  readonly fromArrival: ArrivalHour | undefined;
  /** The first instant to count (`at`): the end of what the key's rollup holds, or the key's floor. */
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
 * in the log, and `floor` is the first instant the key can have records (a job's publication), if known: the first
 * read starts there instead of at the log's beginning. `deliveredThrough` is Firehose's report of what it has
 * delivered (undefined: unknown, so an hour is final by the clock alone).
 */
export const rolledUpTally =
  (
    rollups: Rollups,
    {
      now = Date.now,
      maxEntries = MAX_ROLLUP_ENTRIES,
      deliveredThrough = async () => undefined,
    }: {
      readonly now?: () => number;
      readonly maxEntries?: number;
      readonly deliveredThrough?: () => Promise<number | undefined>;
    } = {},
  ) =>
  async (key: string, tallySince: TallySince, floor?: number): Promise<Tally> => {
    // Without its rollup (the table unreachable) a read counts from the floor, as before there was one.
    let unread = false;
    const [rollup, delivered] = await Promise.all([
      rollups.get(key).catch((error: unknown) => {
        unread = true;
        warn('a funnel rollup could not be read', error);
        return undefined;
      }),
      deliveredThrough(),
    ]);
    const final = finalTapHour(now(), delivered);
    // What the item holds, or what cannot be the key's (before the floor), is not counted again.
    const from = Math.max(rollup ? endOf(rollup.rolledThrough) : 0, floor ?? 0);
    const { settled, recent } = await tallySince({
      settledBefore: new Date(endOf(final)).toISOString(),
      fromArrival: from > 0 ? arrivalHourOf(from) : undefined,
      fromAt: from > 0 ? new Date(from).toISOString() : undefined,
    });
    const rolled = merged(rollup ?? EMPTY_TALLY, settled);
    const behind = !rollup || endOf(rollup.rolledThrough) < endOf(final);
    if (!unread && behind && entriesOf(rolled) <= maxEntries) {
      await rollups
        .advance(key, rollup, { rolledThrough: final, ...rolled })
        .catch((error: unknown) => warn('a funnel rollup was not advanced', error));
    }
    return merged(rolled, recent);
  };

const warn = (message: string, error: unknown): void => {
  logger.warn(message, { error: error instanceof Error ? error.name : 'unknown' });
};
