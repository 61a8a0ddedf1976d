import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { funnelStreamIndexOf, funnelStreamNames } from '#funnel/funnel-streams.ts';

// Which of the funnel log's delivery streams a record goes to (docs/capacity.md "Sizing for one viral video"):
// a viral video's taps must spread over all of them, or one stream meets its request quota first.

describe('the funnel log’s streams', () => {
  it('are the first name as it always was, then <first>-1 …', () => {
    expect(funnelStreamNames('reelhire-prod-funnel', 1)).toEqual(['reelhire-prod-funnel']);
    expect(funnelStreamNames('reelhire-prod-funnel', 3)).toEqual([
      'reelhire-prod-funnel',
      'reelhire-prod-funnel-1',
      'reelhire-prod-funnel-2',
    ]);
    expect(() => funnelStreamNames('reelhire-prod-funnel', 0)).toThrow(/at least one stream/);
    expect(() => funnelStreamNames('reelhire-prod-funnel', Number('x'))).toThrow(/at least one stream/);
  });

  it('puts a record on the stream its id hashes to: the same id always on the same one', () => {
    const id = randomUUID();
    const index = funnelStreamIndexOf(id, 64);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(index).toBeLessThan(64);
    expect(funnelStreamIndexOf(id, 64)).toBe(index);
    expect(funnelStreamIndexOf(id, 1)).toBe(0);
  });

  it('spreads request ids evenly: 64,000 taps over 64 streams, each stream within 20 % of 1,000', () => {
    const perStream = new Array<number>(64).fill(0);
    for (let tap = 0; tap < 64_000; tap++) {
      const index = funnelStreamIndexOf(randomUUID(), 64);
      perStream[index] = (perStream[index] ?? 0) + 1;
    }
    // Binomial(64,000, 1/64): standard deviation ≈ 31, so ±200 is over six of them.
    expect(Math.min(...perStream)).toBeGreaterThan(800);
    expect(Math.max(...perStream)).toBeLessThan(1_200);
  });
});
