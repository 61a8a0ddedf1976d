import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { requireEnv } from '#shared/config.ts';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import { createWebSubRenewalHandler } from '#websub/websub-renewal-handler.ts';

/** Every hour: channels whose WebSub lease ends within a day go back to the subscription function. */
export const handler = createWebSubRenewalHandler({
  channels: new DynamoChannelSubscriptions(documentClient(), requireEnv('TABLE_NAME')),
  publisher: busPublisher(),
  clock: () => new Date(),
});
