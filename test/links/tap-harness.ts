import { applyLinkEvent } from '#links/apply-event.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { LinkContext } from '#links/link-context.ts';
import type { createLinksApiHandler } from '#links/links-api-handler.ts';
import { localDocumentClient } from '../../local/testing/local-clients.ts';
import { apiGatewayRequest, lambdaContext } from '../support/aws-inputs.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';

/** A creator's account whose videos the tap tests post. */
export interface TapAccount {
  readonly platform: 'tiktok';
  readonly accountId: string;
  readonly profileId: string;
  readonly portfolioUrl: string;
}

/**
 * The links of one table on the local DynamoDB at `endpoint` (dynalite, or a fault proxy in front of it), with the
 * name of every store command sent through them in `calls`; the account's owner linked and each video posted.
 */
export const tapLinkContext = async (
  endpoint: string,
  tableName: string,
  account: TapAccount,
  videoIds: readonly string[],
): Promise<{ links: LinkContext; calls: string[] }> => {
  const calls: string[] = [];
  const documents = localDocumentClient(endpoint);
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
    profileId: account.profileId,
    version: 1,
    handle: account.profileId,
    displayName: account.profileId,
    portfolioUrl: account.portfolioUrl,
    showPortfolioLink: true,
    linkedAccounts: [{ platform: account.platform, accountId: account.accountId }],
    updatedAt: '2026-05-01T00:00:00Z',
  });
  for (const videoId of videoIds) {
    await applyLinkEvent(links, 'Video Posted', {
      platform: account.platform,
      accountId: account.accountId,
      videoId,
      postedAt: '2026-05-01T00:00:00Z',
    });
  }
  return { links, calls };
};

/** One request to a counted redirect through the handler, as API Gateway sends it. */
export const tapThrough = async (
  handle: ReturnType<typeof createLinksApiHandler>,
  videoId: string,
  kind: 'portfolio' | 'apply',
): Promise<{ status: number; location?: string }> => {
  const answer = await handle(
    apiGatewayRequest({ method: 'GET', path: `/links/tiktok/${videoId}/${kind}`, routeKey: '$default' }),
    lambdaContext('links-api'),
  );
  const location = answer.headers?.location;
  return { status: answer.statusCode ?? 0, ...(typeof location === 'string' ? { location } : {}) };
};
