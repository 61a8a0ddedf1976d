import { PLATFORMS, type Platform } from '#events/fields.ts';
import { logger } from '#shared/observability.ts';
import type { VideoCount } from './funnel-reader.ts';

/**
 * A creator's portfolio taps, rolled up by the creator's own reads (docs/capacity.md, "a per-key rollup kept by
 * the reader"). Counting every tap a creator ever had means scanning the whole funnel log on each read; but per
 * tap day the counts add up, and a day is final once no record of it can still arrive. So each profile has one
 * item with its counts through its last final day; a read counts the log only after that day and, when another
 * day has become final, moves the item forward by one conditional write. The answer is exact either way: the
 * item's taps and the counted ones are apart by `at`, and a tap's duplicates share their `at`.
 */

/**
 * A tap day is final 25 h after it ended: Firehose retries a delivery to S3 for up to 24 h, and a record's `at` is
 * when its tap was answered, so a day's last records may land in the log a day later.
 */
export const FINAL_AFTER_MS = 25 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Videos a rollup item holds at most: about 40 bytes each, well inside DynamoDB's 400 KB item. A creator with more
 * tapped videos is read from the log each time, as before the rollup.
 */
export const MAX_ROLLUP_VIDEOS = 5_000;

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const startOf = (day: string): number => Date.parse(`${day}T00:00:00.000Z`);

/** The latest tap day (UTC, `YYYY-MM-DD`) whose records have all arrived at `now`. */
export const finalTapDay = (now: number): string =>
  dayOf(Math.floor((now - FINAL_AFTER_MS) / DAY_MS) * DAY_MS - DAY_MS);

/** The instant a day ends (the next day's first), as the log's `at` values are written. */
export const dayEnd = (day: string): string => new Date(startOf(day) + DAY_MS).toISOString();

/** A creator's counts through `rolledThrough` (a final tap day), per video as `<platform>:<videoId>`. */
export interface CreatorRollup {
  readonly rolledThrough: string;
  readonly videos: Readonly<Record<string, number>>;
}

export interface CreatorRollups {
  get(profileId: string): Promise<CreatorRollup | undefined>;
  /**
   * Replaces `previous` (undefined: none yet) by `next`; false when another read moved it first (that one's
   * counts are as exact: nothing to do).
   */
  advance(profileId: string, previous: CreatorRollup | undefined, next: CreatorRollup): Promise<boolean>;
}

/** The log's counts after `since` (a rolled-up day; none: all), split at the instant `settledBefore`. */
export type CountTapsSince = (
  profileId: string,
  bounds: { readonly settledBefore: string; readonly since?: { readonly at: string; readonly day: string } },
) => Promise<{ readonly settled: readonly VideoCount[]; readonly recent: readonly VideoCount[] }>;

const videoKeyOf = (video: Pick<VideoCount, 'platform' | 'videoId'>): string =>
  `${video.platform}:${video.videoId}`;

const added = (
  videos: Readonly<Record<string, number>>,
  counts: readonly VideoCount[],
): Record<string, number> => {
  const sum = { ...videos };
  for (const count of counts) sum[videoKeyOf(count)] = (sum[videoKeyOf(count)] ?? 0) + count.count;
  return sum;
};

/** A creator's portfolio taps per video, sorted by platform and video, read through the creator's rollup. */
export const rolledUpPortfolioTaps =
  (
    count: CountTapsSince,
    rollups: CreatorRollups,
    {
      now = Date.now,
      maxVideos = MAX_ROLLUP_VIDEOS,
    }: { readonly now?: () => number; readonly maxVideos?: number } = {},
  ) =>
  async (profileId: string): Promise<VideoCount[]> => {
    // Without its rollup (the table unreachable) a read counts the whole log, as before there was one.
    let unread = false;
    const rollup = await rollups.get(profileId).catch((error: unknown) => {
      unread = true;
      warn('the creator funnel rollup could not be read', error);
      return undefined;
    });
    const final = finalTapDay(now());
    const since = rollup
      ? { at: dayEnd(rollup.rolledThrough), day: dayOf(startOf(rollup.rolledThrough) + DAY_MS) }
      : undefined;
    const { settled, recent } = await count(profileId, {
      settledBefore: dayEnd(final),
      ...(since ? { since } : {}),
    });
    const rolled = added(rollup?.videos ?? {}, settled);
    if (!unread && (!rollup || rollup.rolledThrough < final) && Object.keys(rolled).length <= maxVideos) {
      // The answer does not depend on this write: a failed one leaves the next read to count those days again.
      await rollups
        .advance(profileId, rollup, { rolledThrough: final, videos: rolled })
        .catch((error: unknown) => warn('the creator funnel rollup was not advanced', error));
    }
    return Object.entries(added(rolled, recent))
      .flatMap(([key, n]) => {
        const split = key.indexOf(':');
        const platform = key.slice(0, split);
        return isPlatform(platform) ? [{ platform, videoId: key.slice(split + 1), count: n }] : [];
      })
      .sort((a, b) => compare(a.platform, b.platform) || compare(a.videoId, b.videoId));
  };

const warn = (message: string, error: unknown): void => {
  logger.warn(message, { error: error instanceof Error ? error.name : 'unknown' });
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const isPlatform = (value: string): value is Platform => (PLATFORMS as readonly string[]).includes(value);
