import { beforeAll, describe, expect, it } from 'vitest';
import { applyLinkEvent } from '#links/apply-event.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { LinkContext } from '#links/link-context.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';
import { localDocumentClient } from '../../local/testing/local-clients.ts';
import { apiGatewayRequest, lambdaContext } from '../support/aws-inputs.ts';
import { RecordingFunnelLog } from '../support/recording-funnel-log.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite } from '../support/shared-resource.ts';

/**
 * What a counted redirect reads (CONTRACT §8's taps at viral scale): `/portfolio` needs the video's partition and
 * its account item (the owner's url); `/apply` needs the partition alone, so a tap on it never reads the account
 * item that every video of a creator shares.
 */

const video = { platform: 'tiktok' as const, accountId: 'acct-taps', videoId: 'v-taps' };

describe('the store calls of a tap', () => {
  const dynamo = useDynalite();
  let handle: ReturnType<typeof createLinksApiHandler>;
  let calls: string[] = [];

  const tap = async (kind: 'portfolio' | 'apply'): Promise<{ status: number; calls: string[] }> => {
    calls = [];
    const answer = await handle(
      apiGatewayRequest({
        method: 'GET',
        path: `/links/tiktok/${video.videoId}/${kind}`,
        routeKey: '$default',
      }),
      lambdaContext('links-api'),
    );
    return { status: answer.statusCode ?? 0, calls };
  };

  beforeAll(async () => {
    const tableName = await dynamo.createTable('tap-reads');
    const documents = localDocumentClient(dynamo.endpoint);
    documents.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'countStoreCalls' },
    );
    const links = new LinkContext({
      stores: dynamoLinkStores(documents, tableName),
      publisher: new RecordingPublisher(),
      publicBaseUrl: 'https://reelhire.example',
      clock: () => new Date('2026-06-01T00:00:00Z'),
    });
    await applyLinkEvent(links, 'Profile Updated', {
      profileId: 'prof-taps',
      version: 1,
      handle: 'taps',
      displayName: 'Taps',
      portfolioUrl: 'https://contra.com/taps',
      showPortfolioLink: true,
      linkedAccounts: [{ platform: video.platform, accountId: video.accountId }],
      updatedAt: '2026-05-01T00:00:00Z',
    });
    await applyLinkEvent(links, 'Video Posted', { ...video, postedAt: '2026-05-01T00:00:00Z' });
    await applyLinkEvent(links, 'Job Published', {
      jobId: 'job-taps',
      version: 1,
      employerId: 'northwind',
      title: 'Brand designer',
      notifyUrl: 'https://hooks.example/apply',
      videos: [{ platform: video.platform, videoId: video.videoId }],
      publishedAt: '2026-05-01T00:00:00Z',
    });
    handle = createLinksApiHandler(links, new RecordingFunnelLog());
  });

  it('reads the partition and the account item for /portfolio', async () => {
    expect(await tap('portfolio')).toEqual({ status: 302, calls: ['QueryCommand', 'BatchGetItemCommand'] });
  });

  it('reads the partition alone for /apply', async () => {
    expect(await tap('apply')).toEqual({ status: 302, calls: ['QueryCommand'] });
  });
});
