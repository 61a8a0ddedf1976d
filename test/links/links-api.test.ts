import { beforeAll, describe, expect, it } from 'vitest';
import { EventSchemaError } from '#events/parse.ts';
import { applyLinkEvent } from '#links/apply-event.ts';
import { DynamoAccountStore } from '#links/dynamo-accounts.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { LinkContext } from '#links/link-context.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';
import type { HttpRequest } from '#shared/http.ts';
import { apiGatewayRequest, lambdaContext } from '../support/aws-inputs.ts';
import { RecordingFunnelLog } from '../support/recording-funnel-log.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite } from '../support/shared-resource.ts';

/**
 * GET /links/{platform}/{videoId} and its /portfolio redirect (CONTRACT §4): a portfolioUrl is any url the WHATWG
 * URL standard parses with scheme https:, and ReelHire serves its normalized href, percent-encoded, in the JSON
 * and in Location alike. Served as given, a non-ASCII url could not be a Location header (a 500).
 */

const account = { platform: 'tiktok' as const, accountId: 'acct-odd-urls' };

/** Behind the `$default` route, as the local front may deliver it: the dispatch reads the path itself. */
const linksRequest = (videoId: string, suffix = ''): HttpRequest =>
  apiGatewayRequest({
    method: 'GET',
    path: `/links/tiktok/${encodeURIComponent(videoId)}${suffix}`,
    routeKey: '$default',
  });

/** Only what an HTTP header value may carry: visible ASCII. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

describe('the portfolio url as served', () => {
  const dynamo = useDynalite();
  let links: LinkContext;
  let tableName: string;
  let version = 0;
  let handle: ReturnType<typeof createLinksApiHandler>;

  /** A live video of the account, whose owner's latest portfolioUrl is `url`. */
  const ownerWith = async (url: string, videoId: string): Promise<void> => {
    version++;
    await applyLinkEvent(links, 'Profile Updated', {
      profileId: 'prof-odd-urls',
      version,
      handle: 'odd',
      displayName: 'Odd Urls',
      portfolioUrl: url,
      showPortfolioLink: true,
      linkedAccounts: [account],
      updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, version)).toISOString(),
    });
    await applyLinkEvent(links, 'Video Posted', { ...account, videoId, postedAt: '2026-01-01T00:00:00Z' });
  };

  const served = async (videoId: string): Promise<{ json: string; location: string }> => {
    const context = lambdaContext('links-api');
    const answer = await handle(linksRequest(videoId), context);
    const redirect = await handle(linksRequest(videoId, '/portfolio'), context);
    expect(answer.statusCode).toBe(200);
    expect(redirect.statusCode).toBe(302);
    const body = JSON.parse(String(answer.body)) as { portfolio: { url: string } };
    return { json: body.portfolio.url, location: String(redirect.headers?.location) };
  };

  beforeAll(async () => {
    tableName = await dynamo.createTable('links-api');
    links = new LinkContext({
      stores: dynamoLinkStores(dynamo.documents, tableName),
      publisher: new RecordingPublisher(),
      publicBaseUrl: 'https://reelhire.example',
      clock: () => new Date('2026-06-01T00:00:00Z'),
    });
    handle = createLinksApiHandler(links, new RecordingFunnelLog());
  });

  it.each([
    [
      'a path and query in any script',
      'https://contra.com/José Ñandú?ref=vídeo#top',
      'https://contra.com/Jos%C3%A9%20%C3%91and%C3%BA?ref=v%C3%ADdeo#top',
    ],
    [
      'a path beyond Latin-1',
      'https://contra.com/作品集/🎬',
      'https://contra.com/%E4%BD%9C%E5%93%81%E9%9B%86/%F0%9F%8E%AC',
    ],
    ['an internationalized host', 'https://portfólio.example/maya', 'https://xn--portflio-z3a.example/maya'],
    ['upper case and no path', 'HTTPS://Contra.COM', 'https://contra.com/'],
    ['no slashes after the scheme', 'https:contra.com/maya', 'https://contra.com/maya'],
    ['dot segments', 'https://contra.com/a/../maya', 'https://contra.com/maya'],
  ])('serves %s as its normalized href, the same in the JSON and in Location', async (_, url, href) => {
    const videoId = `v-${version}`;
    await ownerWith(url, videoId);
    const { json, location } = await served(videoId);
    expect(json).toBe(href);
    expect(location).toBe(href);
    expect(location).toMatch(HEADER_SAFE);
  });

  it('serves normalized a url kept before the schema normalized it', async () => {
    await ownerWith('https://contra.com/maya', 'v-kept-before');
    const claim = (await new DynamoAccountStore(dynamo.documents, tableName).read(
      account.platform,
      account.accountId,
    ))!.claims[0]!;
    await new DynamoAccountStore(dynamo.documents, tableName).writeClaim(
      account.platform,
      account.accountId,
      {
        ...claim,
        portfolioUrl: 'https://contra.com/Zoë',
      },
    );
    expect(await served('v-kept-before')).toEqual({
      json: 'https://contra.com/Zo%C3%AB',
      location: 'https://contra.com/Zo%C3%AB',
    });
  });

  it('answers 404 for a video id that is not well-formed Unicode', async () => {
    // As API Gateway hands over a decoded path parameter that percent-encoding cannot even carry.
    const request = {
      ...linksRequest('v'),
      routeKey: 'GET /links/{platform}/{videoId}',
      pathParameters: { platform: 'tiktok', videoId: 'v\ud800' },
    };
    const answer = await handle(request, lambdaContext('links-api'));
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(String(answer.body))).toMatchObject({
      detail: expect.stringMatching(/well-formed Unicode/),
    });
  });

  it.each([
    ['plain http', 'http://contra.com/maya'],
    ['another scheme', 'javascript:alert(1)'],
    ['no host', 'https://'],
    ['2,048 characters only once percent-encoded', `https://contra.com/${'é'.repeat(400)}`],
  ])('refuses %s at the edge, writing nothing', async (_, url) => {
    await expect(
      applyLinkEvent(links, 'Profile Updated', {
        profileId: 'prof-refused-url',
        version: 1,
        handle: 'refused',
        displayName: 'Refused',
        portfolioUrl: url,
        showPortfolioLink: true,
        linkedAccounts: [{ platform: 'tiktok', accountId: 'acct-refused' }],
        updatedAt: '2026-01-01T00:00:00Z',
      }),
    ).rejects.toBeInstanceOf(EventSchemaError);
    expect(
      await new DynamoAccountStore(dynamo.documents, tableName).read('tiktok', 'acct-refused'),
    ).toBeUndefined();
  });
});
