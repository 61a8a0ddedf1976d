import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { requireEnv } from '#shared/config.ts';
import { dynamoLinkStores } from './dynamo-link-stores.ts';
import { LinkContext } from './link-context.ts';

/** The link context of a deployed (or locally run) function, from its environment; fails fast if incomplete. */
export const linkContextFromEnvironment = (): LinkContext =>
  new LinkContext({
    stores: dynamoLinkStores(documentClient(), requireEnv('TABLE_NAME')),
    publisher: busPublisher(),
    publicBaseUrl: requireEnv('PUBLIC_BASE_URL'),
    clock: () => new Date(),
  });
