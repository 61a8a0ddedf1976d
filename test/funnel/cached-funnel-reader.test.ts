import { describe, expect, it } from 'vitest';
import type { JobFunnel } from '#employers/routes.ts';
import { cachedFunnelReader, FUNNEL_ANSWER_TTL_MS } from '#funnel/cached-funnel-reader.ts';
import type { FunnelReader, VideoCount } from '#funnel/funnel-reader.ts';

/** A funnel whose counts the test sets, counting the queries that reach it. */
class CountingFunnel implements FunnelReader {
  taps = 0;
  queries = 0;
  failNext = false;
  /** Resolves a query held open, when `hold` is set. */
  hold = false;
  private release: (() => void) | undefined;

  async portfolioTaps(_profileId: string): Promise<VideoCount[]> {
    this.queries++;
    if (this.hold) await new Promise<void>((resolve) => (this.release = resolve));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('the query failed');
    }
    return [{ platform: 'tiktok', videoId: 'v1', count: this.taps }];
  }

  async jobFunnel(jobId: string, _since: Date): Promise<JobFunnel> {
    this.queries++;
    const totals = { applyTaps: this.taps, applyPageViews: 0, applications: 0, hired: 0 };
    return { jobId, videos: [], totals };
  }

  releaseHeld(): void {
    this.hold = false;
    this.release?.();
  }
}

const setUp = () => {
  const funnel = new CountingFunnel();
  let clock = 1_000_000;
  const reader = cachedFunnelReader(funnel, FUNNEL_ANSWER_TTL_MS, () => clock);
  return { funnel, reader, advance: (ms: number) => (clock += ms) };
};

describe('a funnel reader that keeps a key’s answer a few seconds', () => {
  it('answers a repeated read of a profile from its last query until the answer is 5 s old', async () => {
    const { funnel, reader, advance } = setUp();
    funnel.taps = 1;
    expect(await reader.portfolioTaps('p1')).toEqual([{ platform: 'tiktok', videoId: 'v1', count: 1 }]);
    funnel.taps = 2;
    advance(FUNNEL_ANSWER_TTL_MS - 1);
    expect((await reader.portfolioTaps('p1'))[0]?.count).toBe(1);
    expect(funnel.queries).toBe(1);
    advance(1);
    expect((await reader.portfolioTaps('p1'))[0]?.count).toBe(2);
    expect(funnel.queries).toBe(2);
  });

  it('keeps each key apart: another profile, another job, the same job since another day', async () => {
    const { funnel, reader } = setUp();
    await reader.portfolioTaps('p1');
    await reader.portfolioTaps('p2');
    await reader.jobFunnel('j1', new Date('2026-12-01T00:00:00Z'));
    await reader.jobFunnel('j2', new Date('2026-12-01T00:00:00Z'));
    await reader.jobFunnel('j1', new Date('2026-12-02T00:00:00Z'));
    expect(funnel.queries).toBe(5);
    await reader.jobFunnel('j1', new Date('2026-12-01T00:00:00Z'));
    expect(funnel.queries).toBe(5);
  });

  it('lets reads that arrive while a key’s query runs share it', async () => {
    const { funnel, reader } = setUp();
    funnel.hold = true;
    funnel.taps = 7;
    const reads = [reader.portfolioTaps('p1'), reader.portfolioTaps('p1'), reader.portfolioTaps('p1')];
    funnel.releaseHeld();
    const answers = await Promise.all(reads);
    expect(answers.map((answer) => answer[0]?.count)).toEqual([7, 7, 7]);
    expect(funnel.queries).toBe(1);
  });

  it('does not keep a failed query: the next read queries again', async () => {
    const { funnel, reader } = setUp();
    funnel.failNext = true;
    await expect(reader.portfolioTaps('p1')).rejects.toThrow('the query failed');
    funnel.taps = 3;
    expect((await reader.portfolioTaps('p1'))[0]?.count).toBe(3);
    expect(funnel.queries).toBe(2);
  });
});
