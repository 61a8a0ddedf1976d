import { describe, expect, it } from 'vitest';
import {
  MAX_DELIVERY_ATTEMPTS,
  MAX_VISIBILITY_DELAY_SECONDS,
  RETRY_DELAYS_SECONDS,
  retryDelaySeconds,
} from '#notify/retry-schedule.ts';
import { EVENT_ROUTES } from '../../lib/routing.ts';

const total = (delays: readonly number[]) => delays.reduce((sum, delay) => sum + delay, 0);

describe('the notification retry schedule', () => {
  it('is one attempt per receive of the ApplicationNotifications queue', () => {
    expect(EVENT_ROUTES.find((route) => route.id === 'ApplicationNotifications')).toMatchObject({
      function: 'notifier',
      queue: { maxReceiveCount: MAX_DELIVERY_ATTEMPTS },
    });
  });

  it('retries first within seconds, then minutes, then hours, and never shortens', () => {
    expect(RETRY_DELAYS_SECONDS[0]).toBeLessThan(60);
    expect(RETRY_DELAYS_SECONDS.some((delay) => delay >= 60 && delay < 3600)).toBe(true);
    expect(RETRY_DELAYS_SECONDS.at(-1)).toBeGreaterThanOrEqual(3600);
    for (let index = 1; index < RETRY_DELAYS_SECONDS.length; index++) {
      expect(RETRY_DELAYS_SECONDS[index]).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS[index - 1]!);
    }
  });

  it('spans about a day, even with the most jitter', () => {
    const shortest = RETRY_DELAYS_SECONDS.map((_, index) => retryDelaySeconds(index + 1, () => 0));
    const longest = RETRY_DELAYS_SECONDS.map((_, index) => retryDelaySeconds(index + 1, () => 0.999));
    expect(total(shortest) / 3600).toBeGreaterThan(20);
    expect(total(longest) / 3600).toBeLessThan(30);
  });

  it('jitters up to 10% above the scheduled delay', () => {
    expect(retryDelaySeconds(4, () => 0)).toBe(600);
    expect(retryDelaySeconds(4, () => 0.999)).toBe(659);
  });

  it('waits longer when the employer asks with Retry-After, within what SQS allows', () => {
    expect(retryDelaySeconds(1, () => 0, 120)).toBe(120);
    expect(retryDelaySeconds(6, () => 0, 10)).toBe(3600);
    expect(retryDelaySeconds(1, () => 0, 10 * 86_400)).toBe(MAX_VISIBILITY_DELAY_SECONDS);
    for (const [index] of RETRY_DELAYS_SECONDS.entries()) {
      expect(retryDelaySeconds(index + 1, () => 0.999)).toBeLessThanOrEqual(MAX_VISIBILITY_DELAY_SECONDS);
    }
  });
});
