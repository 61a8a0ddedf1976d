import { describe, expect, it } from 'vitest';
import { deliveredThroughOf } from '#funnel/delivery-watermark.ts';

/**
 * What Firehose's DataFreshness tells a funnel read (functions/commons/funnel/delivery-watermark.ts): each stream's
 * latest period start less its Maximum age, the earliest of them over the streams, or nothing when a stream has
 * no datapoint.
 */
describe('the funnel log delivered through, from DataFreshness', () => {
  const at = (time: string) => new Date(`2026-11-20T${time}Z`);

  it("is each stream's latest period start less its age, the earliest over the streams", () => {
    const results = [
      // Answers come latest first; an older, fresher period does not count.
      { Id: 's0', Timestamps: [at('11:03:00'), at('11:02:00')], Values: [20, 1] },
      { Id: 's1', Timestamps: [at('11:02:00'), at('11:03:00')], Values: [0, 75] },
    ];
    expect(deliveredThroughOf(results, 2)).toBe(Date.parse('2026-11-20T11:01:45.000Z'));
    expect(deliveredThroughOf(results.slice(0, 1), 1)).toBe(Date.parse('2026-11-20T11:02:40.000Z'));
  });

  it('is unknown while any stream has no datapoint (idle, or not yet published)', () => {
    const results = [
      { Id: 's0', Timestamps: [at('11:03:00')], Values: [20] },
      { Id: 's1', Timestamps: [], Values: [] },
    ];
    expect(deliveredThroughOf(results, 2)).toBeUndefined();
    expect(deliveredThroughOf(results.slice(0, 1), 2)).toBeUndefined();
    expect(deliveredThroughOf([], 1)).toBeUndefined();
  });

  it('ignores a value that is no age (negative, or missing beside its timestamp)', () => {
    const results = [{ Id: 's0', Timestamps: [at('11:03:00'), at('11:02:00')], Values: [-1] }];
    expect(deliveredThroughOf(results, 1)).toBeUndefined();
  });
});
