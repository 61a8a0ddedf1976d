import { beforeAll, describe, expect, it } from 'vitest';
import { applyLinkEvent } from '#links/apply-event.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { LinkContext } from '#links/link-context.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';
import { PUBLIC_READ_MAX_AGE_SECONDS } from '#shared/http.ts';
import { apiGatewayRequest, lambdaContext } from '../support/aws-inputs.ts';
import { RecordingFunnelLog } from '../support/recording-funnel-log.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite } from '../support/shared-resource.ts';

/**
 * How long a cache may keep `GET /links/{platform}/{videoId}`: PUBLIC_READ_MAX_AGE_SECONDS, or less when the
 * answer ends sooner by time alone. Links are evaluated when read (CONTRACT §3): an Apply link stops at its job's
 * `closesAt`, so a cached copy may not outlive that instant.
 */

const NOW = new Date('2026-06-01T00:00:00Z');
const inSeconds = (seconds: number): string => new Date(NOW.getTime() + seconds * 1000).toISOString();

describe('the cache lifetime of a video’s links', () => {
  const dynamo = useDynalite();
  let links: LinkContext;
  let handle: ReturnType<typeof createLinksApiHandler>;

  /** A posted video listed by a job published now (closing when given), and its links' cache-control. */
  const cacheControlOf = async (videoId: string, jobs: readonly { closesAt?: string }[]): Promise<string> => {
    await applyLinkEvent(links, 'Video Posted', {
      platform: 'tiktok',
      accountId: 'acct-cache',
      videoId,
      postedAt: '2026-05-01T00:00:00Z',
    });
    for (const [index, { closesAt }] of jobs.entries()) {
      await applyLinkEvent(links, 'Job Published', {
        jobId: `job-${videoId}-${index}`,
        version: 1,
        employerId: 'northwind',
        title: 'Brand designer',
        notifyUrl: 'https://hooks.example/apply',
        videos: [{ platform: 'tiktok', videoId }],
        // The later job is the chosen one (latest publishedAt).
        publishedAt: inSeconds(-100 + index),
        ...(closesAt ? { closesAt } : {}),
      });
    }
    const answer = await handle(
      apiGatewayRequest({ method: 'GET', path: `/links/tiktok/${videoId}`, routeKey: '$default' }),
      lambdaContext('links-api'),
    );
    expect(answer.statusCode).toBe(200);
    return String(answer.headers?.['cache-control']);
  };

  beforeAll(async () => {
    const tableName = await dynamo.createTable('links-cache');
    links = new LinkContext({
      stores: dynamoLinkStores(dynamo.documents, tableName),
      publisher: new RecordingPublisher(),
      publicBaseUrl: 'https://reelhire.example',
      clock: () => NOW,
    });
    handle = createLinksApiHandler(links, new RecordingFunnelLog());
  });

  it('is the full TTL when no closing ends the answer sooner', async () => {
    expect(await cacheControlOf('v-open', [{}])).toBe(`public, max-age=${PUBLIC_READ_MAX_AGE_SECONDS}`);
    expect(await cacheControlOf('v-late', [{ closesAt: inSeconds(3600) }])).toBe(
      `public, max-age=${PUBLIC_READ_MAX_AGE_SECONDS}`,
    );
  });

  it('ends at the Apply link’s closing, in whole seconds', async () => {
    expect(await cacheControlOf('v-soon', [{ closesAt: inSeconds(3.7) }])).toBe('public, max-age=3');
  });

  it('is not cached at all when the Apply link closes within a second', async () => {
    expect(await cacheControlOf('v-now', [{ closesAt: inSeconds(0.4) }])).toBe('no-store');
  });

  it('follows the chosen job’s closing, not another job’s', async () => {
    // The earlier job closes in 2 s but is not the one shown; the shown one closes in 5 s.
    expect(await cacheControlOf('v-two', [{ closesAt: inSeconds(2.5) }, { closesAt: inSeconds(5.5) }])).toBe(
      'public, max-age=5',
    );
  });
});
