import type { JobFunnel } from '#employers/routes.ts';
import { hotKeyReads } from '#shared/hot-reads.ts';
import type { FunnelReader, VideoCount } from './funnel-reader.ts';

/**
 * How long an environment answers a key's funnel from its last query. A dashboard polling every second then costs
 * one query per key every 5 s, not one per poll (a query's price grows with the log it scans: docs/capacity.md,
 * "Funnel"); counts still appear within CONTRACT §8's 60 s (the stream's 15 s buffer, this, the query).
 */
export const FUNNEL_ANSWER_TTL_MS = 5_000;

/**
 * A funnel reader that answers a repeated read of the same key (a profile; a job since its publication) from the
 * last answer for `ttlMs`, and lets reads of one key that arrive while its query runs share that query. A failed
 * query is not remembered: the next read queries again. It is the hot-key reader with every key hot from its first
 * read (one read a second makes a key hot).
 */
export const cachedFunnelReader = (
  reader: FunnelReader,
  ttlMs = FUNNEL_ANSWER_TTL_MS,
  now: () => number = Date.now,
): FunnelReader => {
  const everyKeyHot = { readsPerSecond: 1, maxAgeMs: ttlMs };
  return {
    portfolioTaps: hotKeyReads(
      (profileId: string): Promise<VideoCount[]> => reader.portfolioTaps(profileId),
      (profileId) => profileId,
      now,
      everyKeyHot,
    ),
    jobFunnel: hotKeyReads(
      (jobId: string, since: Date): Promise<JobFunnel> => reader.jobFunnel(jobId, since),
      (jobId, since) => `${jobId} ${since.toISOString()}`,
      now,
      everyKeyHot,
    ),
  };
};
