import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SYNTH_CONTEXT } from '../../lib/config.ts';
import { FUNNEL_STREAMS } from '../../lib/funnel-capacity.ts';
import { funnelStreamNamesOf } from '../../lib/names.ts';
import { synthesizeCached } from '../../lib/synthesize.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { viewerToken } from '../local/platform-clients.ts';
import { deliveredFunnelRecords } from '../support/funnel-records.ts';
import { runAssembly } from '../support/run-assembly.ts';
import { postCreatorVideos } from './creator-videos.ts';

/**
 * The prod funnel log as `REELHIRE_STAGE=prod npm start` runs it (docs/capacity.md "Sizing for one viral
 * video"): 64 delivery streams from the template into one bucket and prefix, each tap's record on the stream its
 * request id hashes to, through the links function's own role (IAM enforced, the streams after the first granted
 * by one pattern), and the funnel counting every stream's objects, each tap once.
 */

const STREAMS = funnelStreamNamesOf('prod');
const TAPS = 640;
const CONCURRENCY = 8;

describe('the prod funnel log: several delivery streams, one count', () => {
  let stack: LocalStack;
  let cacheRoot = '';
  const openId = `open_${randomUUID()}`;
  const profileId = `prof_${randomUUID()}`;
  const videoId = `7${Date.now()}`;

  beforeAll(async () => {
    // Its own cache: a fourth assembly in the shared one would let the shared cache prune the dev assembly that
    // the other test files of a full run still read (lib/synthesize.ts keeps the few most recent).
    cacheRoot = await mkdtemp(join(tmpdir(), 'reelhire-prod-synth-'));
    const assemblyDir = await synthesizeCached({
      context: { stage: 'prod', [LOCAL_SYNTH_CONTEXT]: true },
      cacheRoot,
    });
    // The front door's clock runs a second per reading, so that the viewer throttle and WAF's per-IP window let
    // one address's hundreds of taps through (as in the exactness test).
    let now = Date.now();
    stack = await runAssembly(assemblyDir, {
      env: { PATH: process.env.PATH },
      frontDoorClock: () => (now += 1000),
    });
    await postCreatorVideos(stack.url, { profileId, openId, videoIds: [videoId] });
  }, 600_000);
  afterAll(async () => {
    await stack?.stop();
    if (cacheRoot !== '') await rm(cacheRoot, { recursive: true, force: true });
  });

  it('spreads one video’s taps over the streams and counts each answered tap once', async () => {
    expect(STREAMS).toHaveLength(FUNNEL_STREAMS.prod);
    expect(STREAMS.length).toBeGreaterThan(1);
    let remaining = TAPS;
    const tapIds: string[] = [];
    const worker = async () => {
      while (remaining > 0) {
        remaining--;
        const answer = await fetch(`${stack.url}/links/tiktok/${videoId}/portfolio`, { redirect: 'manual' });
        await answer.arrayBuffer();
        expect(answer.status).toBe(302);
        tapIds.push(answer.headers.get('apigw-requestid') ?? '');
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const records = (await deliveredFunnelRecords(stack.firehose, STREAMS[0])).filter(
      (record) => record.kind === 'portfolioTap' && record.profileId === profileId,
    );
    expect(new Set(records.map((record) => record.id))).toEqual(new Set(tapIds));

    // Which streams delivered them: each object is named after its stream. With 640 taps over 64 streams by
    // hash, an empty stream is a 1-in-500 event; a log that wrote one stream would show one name here.
    const objects = await readdir(stack.firehose.bucketDir(STREAMS[0]) ?? '', { recursive: true });
    const writers = new Set(
      objects.flatMap((path) => {
        const stream = /(reelhire-prod-funnel(?:-\d+)?)-\d{4}-\d{2}-\d{2}T/.exec(path)?.[1];
        return stream === undefined ? [] : [stream];
      }),
    );
    expect(writers.size).toBeGreaterThanOrEqual(STREAMS.length - 4);
    for (const writer of writers) expect(STREAMS).toContain(writer);

    const answer = await fetch(`${stack.url}/profiles/me/funnel`, {
      headers: { authorization: `Bearer ${await viewerToken(profileId)}` },
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      profileId,
      videos: [{ platform: 'tiktok', videoId, portfolioTaps: TAPS }],
      totals: { portfolioTaps: TAPS },
    });
    expect(stack.iam.refusals.list()).toEqual([]);
  }, 300_000);
});
