import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { requireEnv } from '#shared/config.ts';
import { dynamoLinkStores } from './dynamo-link-stores.ts';
import { LinkContext, type LinkDependencies } from './link-context.ts';

/**
 * The link context of a deployed (or locally run) function, from its environment; fails fast if incomplete.
 * `extra`: the ports of other features the function's entry wires in (the creator funnels' start).
 */
export const linkContextFromEnvironment = (
  extra: Pick<LinkDependencies, 'creatorFunnels'> = {},
): LinkContext =>
  new LinkContext({
    ...extra,
    stores: dynamoLinkStores(documentClient(), requireEnv('TABLE_NAME')),
    publisher: busPublisher(),
    publicBaseUrl: requireEnv('PUBLIC_BASE_URL'),
    clock: () => new Date(),
  });
