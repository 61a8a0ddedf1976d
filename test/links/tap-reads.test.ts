import { beforeAll, describe, expect, it } from 'vitest';
import { applyLinkEvent } from '#links/apply-event.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';
import { RecordingFunnelLog } from '../support/recording-funnel-log.ts';
import { useDynalite } from '../support/shared-resource.ts';
import { tapLinkContext, tapThrough } from './tap-harness.ts';

/**
 * What a counted redirect reads (CONTRACT §8's taps at viral scale): `/portfolio` needs the video's partition and
 * its account item (the owner's url); `/apply` needs the partition alone, so a tap on it never reads the account
 * item that every video of a creator shares.
 */

const account = {
  platform: 'tiktok',
  accountId: 'acct-taps',
  profileId: 'prof-taps',
  portfolioUrl: 'https://contra.com/taps',
} as const;
const videoId = 'v-taps';

describe('the store calls of a tap', () => {
  const dynamo = useDynalite();
  let handle: ReturnType<typeof createLinksApiHandler>;
  let calls: string[] = [];

  const tap = async (kind: 'portfolio' | 'apply'): Promise<{ status: number; calls: string[] }> => {
    calls.length = 0;
    const { status } = await tapThrough(handle, videoId, kind);
    return { status, calls: [...calls] };
  };

  beforeAll(async () => {
    const context = await tapLinkContext(dynamo.endpoint, await dynamo.createTable('tap-reads'), account, [
      videoId,
    ]);
    calls = context.calls;
    await applyLinkEvent(context.links, 'Job Published', {
      jobId: 'job-taps',
      version: 1,
      employerId: 'northwind',
      title: 'Brand designer',
      notifyUrl: 'https://hooks.example/apply',
      videos: [{ platform: account.platform, videoId }],
      publishedAt: '2026-05-01T00:00:00Z',
    });
    handle = createLinksApiHandler(context.links, new RecordingFunnelLog());
  });

  it('reads the partition and the account item for /portfolio', async () => {
    expect(await tap('portfolio')).toEqual({ status: 302, calls: ['QueryCommand', 'BatchGetItemCommand'] });
  });

  it('reads the partition alone for /apply', async () => {
    expect(await tap('apply')).toEqual({ status: 302, calls: ['QueryCommand'] });
  });
});
