import type { JobFunnel } from '#employers/routes.ts';
import type { FunnelReader, VideoCount } from './funnel-reader.ts';

/**
 * How long an environment answers a key's funnel from its last query. A dashboard polling every second then costs
 * one query per key every 5 s, not one per poll (a query's price grows with the log it scans: docs/capacity.md,
 * "Funnel"); counts still appear within CONTRACT §8's 60 s (the stream's 15 s buffer, this, the query).
 */
export const FUNNEL_ANSWER_TTL_MS = 5_000;

/** Keys remembered at most: beyond, the oldest answer is dropped first. */
const MAX_ANSWERS = 1_000;

interface Answer {
  readonly at: number;
  readonly value: Promise<unknown>;
}

/**
 * A funnel reader that answers a repeated read of the same key (a profile; a job since its publication) from the
 * last answer for `ttlMs`, and lets reads of one key that arrive while its query runs share that query. A failed
 * query is not remembered: the next read queries again.
 */
export const cachedFunnelReader = (
  reader: FunnelReader,
  ttlMs = FUNNEL_ANSWER_TTL_MS,
  now: () => number = Date.now,
): FunnelReader => {
  const answers = new Map<string, Answer>();

  const remembered = <T>(key: string, query: () => Promise<T>): Promise<T> => {
    const at = now();
    const known = answers.get(key);
    if (known && at - known.at < ttlMs) return known.value as Promise<T>;
    answers.delete(key);
    if (answers.size >= MAX_ANSWERS) {
      const oldest = answers.keys().next();
      if (!oldest.done) answers.delete(oldest.value);
    }
    const value = query();
    const answer: Answer = { at, value };
    answers.set(key, answer);
    value.catch(() => {
      if (answers.get(key) === answer) answers.delete(key);
    });
    return value;
  };

  return {
    portfolioTaps: (profileId: string): Promise<VideoCount[]> =>
      remembered(`profile ${profileId}`, () => reader.portfolioTaps(profileId)),
    jobFunnel: (jobId: string, since: Date): Promise<JobFunnel> =>
      remembered(`job ${jobId} ${since.toISOString()}`, () => reader.jobFunnel(jobId, since)),
  };
};
