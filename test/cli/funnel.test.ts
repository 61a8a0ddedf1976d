import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { postCreatorVideos } from '../funnel/creator-videos.ts';
import { type CliResult, reelhire } from '../support/reelhire-cli.ts';
import { startDevStack } from '../support/run-assembly.ts';

/**
 * `reelhire funnel --profile <profileId>` (the creator's side of CONTRACT §8) run as a user runs it, against the
 * runtime `npm start` runs: it signs the local viewer token as `reelhire token` does and shows what
 * GET /profiles/me/funnel answers. (`reelhire funnel <jobId>` runs in the README tour.)
 */

describe('reelhire funnel --profile', () => {
  let stack: LocalStack;
  const profileId = `prof_${randomUUID()}`;
  const openId = `open_${randomUUID()}`;
  const videoIds = [`7${Date.now()}1`, `7${Date.now()}2`];
  const cli = (...args: string[]): Promise<CliResult> => reelhire(args, { env: { REELHIRE_URL: stack.url } });

  beforeAll(async () => {
    stack = await startDevStack();
    await postCreatorVideos(stack.url, { profileId, openId, videoIds });
    for (const [videoId, taps] of [
      [videoIds[0], 2],
      [videoIds[1], 1],
    ] as const) {
      for (let tap = 0; tap < taps; tap++) {
        const answer = await fetch(`${stack.url}/links/tiktok/${videoId}/portfolio`, { redirect: 'manual' });
        expect(answer.status).toBe(302);
      }
    }
    // Delivered now rather than after the 15 s buffer.
    await stack.firehose.flush();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("prints the creator's portfolio taps per video and in all, and --json the API's answer", async () => {
    const json = await cli('funnel', '--profile', profileId, '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      profileId,
      videos: videoIds.map((videoId, index) => ({
        platform: 'tiktok',
        videoId,
        portfolioTaps: index === 0 ? 2 : 1,
      })),
      totals: { portfolioTaps: 3 },
    });
    const human = await cli('funnel', '--profile', profileId);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout.split('\n').map((line) => line.trimEnd())).toEqual([
      `profile ${profileId}`,
      expect.stringMatching(/^ {2}video +portfolio taps$/),
      expect.stringMatching(new RegExp(`^ {2}tiktok ${videoIds[0]} +2$`)),
      expect.stringMatching(new RegExp(`^ {2}tiktok ${videoIds[1]} +1$`)),
      expect.stringMatching(/^ {2}all +3$/),
      '',
    ]);
  });

  it('uses the token it is given, and says what the stack refused (exit 1)', async () => {
    const refused = await cli('funnel', '--profile', profileId, '--token', 'not-a-token');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^reelhire: 401: /);
  });

  it('takes a job id or --profile, not both, and one of them (exit 2)', async () => {
    const both = await cli('funnel', 'job_x', '--profile', profileId);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('a job id or --profile <profileId>, not both');
    const neither = await cli('funnel');
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('a job id is needed, or --profile <profileId>');
  });
});
