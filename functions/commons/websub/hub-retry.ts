import { delayFromSchedule } from '#shared/retry-delays.ts';

/**
 * When a hub request that failed (refused, 5xx, unreachable) is sent again: one delay per failed attempt, set
 * on the SQS message with ChangeMessageVisibility, so the queue's receive count is the attempt number and its
 * maxReceiveCount (lib/routing.ts, 'YouTubeSubscriptions') must be the number of attempts below.
 *
 * Why these numbers: a hub blip passes within a minute (30 s, 1 min), a hub outage within hours, so the delays
 * grow from 2 min to 2 h: ten attempts over about 4 h 20 min before jitter. A request that failed every time
 * is dead-lettered with the hub's last answer (`npx reelhire dlq redrive` sends it again), and the hourly
 * renewal re-sends any subscribe the hub never verified.
 */
export const HUB_RETRY_DELAYS_SECONDS: readonly number[] = [
  30,
  60,
  2 * 60,
  5 * 60,
  10 * 60,
  20 * 60,
  40 * 60,
  60 * 60,
  2 * 3600,
];

/** The first attempt plus one per delay. */
export const HUB_REQUEST_ATTEMPTS = HUB_RETRY_DELAYS_SECONDS.length + 1;

/** The delay after failed attempt `attempt` (1-based), jittered up to +10%. */
export const hubRetryDelaySeconds = (attempt: number, random: () => number = Math.random): number =>
  delayFromSchedule(HUB_RETRY_DELAYS_SECONDS, attempt, random);
