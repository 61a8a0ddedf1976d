import { documentClient } from '#commons/adapters/dynamo.ts';
import { signingSecret } from '#commons/adapters/secrets.ts';
import { optionalEnv, requireEnv } from '#commons/config.ts';
import { count, logger } from '#commons/observability.ts';
import { sqsConsumer } from '#commons/sqs-consumer.ts';
import { AccountStore } from '#commons/store/accounts.ts';
import { DynamoChannelSubscriptions } from '#commons/websub/channel-subscriptions.ts';
import { DEFAULT_HUB_URL, FetchHubClient } from '#commons/websub/hub-client.ts';
import { REQUESTED_LEASE_SECONDS } from '#commons/websub/subscription.ts';
import { SubscriptionManager, type SubscriptionManagerPorts } from '#commons/websub/subscription-manager.ts';
import { parseDetail } from '#events/parse.ts';

/**
 * `Channel Subscription Wanted` → the channel's WebSub subscription brought in line with its linked state:
 * a subscribe or unsubscribe request to the hub (YOUTUBE_HUB_URL). A hub that refuses or cannot be reached
 * fails the message, so SQS retries it and the last attempt is dead-lettered with the hub's answer.
 */

export const youtubeCallbackUrl = (publicBaseUrl: string): string =>
  `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/youtube`;

export const createSubscriptionConsumer = (portsOf: () => SubscriptionManagerPorts) =>
  sqsConsumer(async (event) => {
    const { channelId } = parseDetail('channelSubscriptionWanted', event.detail);
    const sent = await new SubscriptionManager(portsOf()).reconcile(channelId);
    if (sent) {
      count(sent === 'subscribe' ? 'WebSubSubscribeSent' : 'WebSubUnsubscribeSent');
      logger.info('hub request sent', { channelId, mode: sent });
    }
  });

let defaultPorts: SubscriptionManagerPorts | undefined;

const productionPorts = (): SubscriptionManagerPorts => {
  if (!defaultPorts) {
    const tableName = requireEnv('TABLE_NAME');
    defaultPorts = {
      channels: new DynamoChannelSubscriptions(documentClient(), tableName),
      accounts: new AccountStore(documentClient(), tableName),
      hub: new FetchHubClient(optionalEnv('YOUTUBE_HUB_URL', DEFAULT_HUB_URL)),
      hubSecret: () => signingSecret('YOUTUBE_HUB_SECRET'),
      clock: () => new Date(),
      callbackUrl: youtubeCallbackUrl(requireEnv('PUBLIC_BASE_URL')),
      leaseSeconds: REQUESTED_LEASE_SECONDS,
    };
  }
  return defaultPorts;
};

export const handler = createSubscriptionConsumer(productionPorts);
