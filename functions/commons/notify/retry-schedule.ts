import { delayFromSchedule } from '#shared/retry-delays.ts';

export { MAX_VISIBILITY_DELAY_SECONDS } from '#shared/retry-delays.ts';

/**
 * When a failed notification is tried again. One delay per failed attempt, set on the SQS message with
 * ChangeMessageVisibility, so the queue's receive count is the attempt number and its maxReceiveCount
 * (lib/routing.ts, 'ApplicationNotifications') must be the number of attempts below.
 *
 * Why these numbers: most failures are a deploy or a blip, so the first retries come within seconds
 * (5 s, 30 s) and minutes (2, 10, 30 min); an employer outage is usually fixed within a working day, so the
 * rest spread over hours (1, 2, 3, 4, 6, 7 h). Twelve attempts cover 23 h 42 min before jitter (about a day,
 * close to Svix's 8 attempts over ~27 h), and every delay stays below SQS's 12-hour visibility limit.
 */
export const RETRY_DELAYS_SECONDS: readonly number[] = [
  5,
  30,
  2 * 60,
  10 * 60,
  30 * 60,
  60 * 60,
  2 * 3600,
  3 * 3600,
  4 * 3600,
  6 * 3600,
  7 * 3600,
];

/** The first attempt plus one per delay. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/**
 * The delay after failed attempt `attempt` (1-based): the schedule's, jittered, or longer when the employer
 * asked for it with Retry-After (429, 503), never beyond what SQS allows.
 */
export const retryDelaySeconds = (
  attempt: number,
  random: () => number = Math.random,
  retryAfterSeconds?: number,
): number => delayFromSchedule(RETRY_DELAYS_SECONDS, attempt, random, retryAfterSeconds);
