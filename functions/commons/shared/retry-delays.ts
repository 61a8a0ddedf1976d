/** ChangeMessageVisibility allows at most 12 h from the receive; keep a margin for the time already spent. */
export const MAX_VISIBILITY_DELAY_SECONDS = 12 * 3600 - 300;

/** Up to +10%, so messages that failed together (one employer, one hub outage) do not all return together. */
const JITTER_FRACTION = 0.1;

/**
 * The delay after failed attempt `attempt` (1-based) of a retry schedule (one delay per failed attempt; the
 * last delay repeats beyond it): jittered, or longer when the other side asked for it (Retry-After), never
 * beyond what SQS allows.
 */
export const delayFromSchedule = (
  schedule: readonly number[],
  attempt: number,
  random: () => number = Math.random,
  atLeastSeconds = 0,
): number => {
  const index = Math.min(Math.max(attempt, 1), schedule.length) - 1;
  const scheduled = schedule[index] ?? 0;
  const jittered = scheduled + Math.floor(scheduled * JITTER_FRACTION * random());
  return Math.min(Math.max(jittered, atLeastSeconds), MAX_VISIBILITY_DELAY_SECONDS);
};
