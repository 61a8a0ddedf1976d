import { describe, expect, it } from 'vitest';
import {
  cloudWatchDeliveredThrough,
  deliveredThroughOf,
  WATERMARK_KEPT_MS,
} from '#funnel/delivery-watermark.ts';
import type { periodValues } from '#shared/aws/cloudwatch.ts';

/**
 * What Firehose's DataFreshness tells a funnel read (functions/commons/funnel/delivery-watermark.ts): each stream's
 * latest period start less its Maximum age, the earliest of them over the streams, or nothing when a stream has
 * no datapoint.
 */
describe('the funnel log delivered through, from DataFreshness', () => {
  const at = (time: string) => Date.parse(`2026-11-20T${time}Z`);

  it("is each stream's latest period start less its age, the earliest over the streams", () => {
    const streams = [
      // An older, fresher period does not count, in whatever order the periods come.
      [
        { at: at('11:03:00'), value: 20 },
        { at: at('11:02:00'), value: 1 },
      ],
      [
        { at: at('11:02:00'), value: 0 },
        { at: at('11:03:00'), value: 75 },
      ],
    ];
    expect(deliveredThroughOf(streams)).toBe(at('11:01:45'));
    expect(deliveredThroughOf(streams.slice(0, 1))).toBe(at('11:02:40'));
  });

  it('is unknown while any stream has no datapoint (idle, or not yet published)', () => {
    expect(deliveredThroughOf([[{ at: at('11:03:00'), value: 20 }], []])).toBeUndefined();
    expect(deliveredThroughOf([])).toBeUndefined();
  });

  it('ignores a value that is no age', () => {
    expect(deliveredThroughOf([[{ at: at('11:03:00'), value: -1 }]])).toBeUndefined();
  });

  it('is read once per minute per environment, every stream in one call; a failed read is unknown and not kept', async () => {
    let clock = at('11:05:00');
    const calls: { streams: string[]; from: number; to: number }[] = [];
    let failing = false;
    const read: typeof periodValues = async (metrics, window) => {
      calls.push({ streams: metrics.map((metric) => metric.dimensions.DeliveryStreamName ?? ''), ...window });
      if (failing) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      return metrics.map(() => [{ at: at('11:03:00'), value: 20 }]);
    };
    const delivered = cloudWatchDeliveredThrough(['s', 's-1'], { read, now: () => clock });
    expect(await Promise.all([delivered(), delivered()])).toEqual([at('11:02:40'), at('11:02:40')]);
    clock += WATERMARK_KEPT_MS - 1;
    expect(await delivered()).toBe(at('11:02:40'));
    expect(calls).toEqual([
      {
        streams: ['s', 's-1'],
        from: at('10:55:00'),
        to: at('11:05:00'),
        periodSeconds: 60,
        statistic: 'Maximum',
      },
    ]);

    clock += 1;
    failing = true;
    expect(await delivered()).toBeUndefined();
    failing = false;
    expect(await delivered()).toBe(at('11:02:40'));
    expect(calls).toHaveLength(3);
  });
});
