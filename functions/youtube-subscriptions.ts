import { DynamoAccountStore } from '#links/dynamo-accounts.ts';
import { documentClient } from '#shared/aws/dynamo.ts';
import { signingSecret } from '#shared/aws/secrets.ts';
import { sqsRetryScheduler } from '#shared/aws/sqs-retry-scheduler.ts';
import { requireEnv } from '#shared/config.ts';
import { youtubeCallbackUrl } from '#websub/callback-token.ts';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import { FetchHubClient, hubUrl } from '#websub/hub-client.ts';
import { REQUESTED_LEASE_SECONDS } from '#websub/subscription.ts';
import { createYouTubeSubscriptionsHandler } from '#websub/youtube-subscriptions-handler.ts';

// Created once per container; a missing variable fails the cold start, not the first message.
const tableName = requireEnv('TABLE_NAME');
const documents = documentClient();

/** Channel Subscription Wanted → a subscribe or unsubscribe request to the WebSub hub, retried with backoff. */
export const handler = createYouTubeSubscriptionsHandler({
  channels: new DynamoChannelSubscriptions(documents, tableName),
  accounts: new DynamoAccountStore(documents, tableName),
  hub: new FetchHubClient(hubUrl()),
  hubSecret: () => signingSecret('YOUTUBE_HUB_SECRET'),
  clock: () => new Date(),
  callbackUrl: youtubeCallbackUrl(requireEnv('PUBLIC_BASE_URL')),
  leaseSeconds: REQUESTED_LEASE_SECONDS,
  retries: sqsRetryScheduler(requireEnv('QUEUE_URL')),
});
