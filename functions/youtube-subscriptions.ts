import { SQSClient } from '@aws-sdk/client-sqs';
import { parseDetail } from '#events/parse.ts';
import { DynamoAccountStore } from '#links/dynamo-accounts.ts';
import { documentClient } from '#shared/aws/dynamo.ts';
import { signingSecret } from '#shared/aws/secrets.ts';
import { SqsRetryScheduler } from '#shared/aws/sqs-retry-scheduler.ts';
import { isLocalMode, optionalEnv, requireEnv } from '#shared/config.ts';
import { count, logger } from '#shared/observability.ts';
import type { RetryScheduler } from '#shared/retry-scheduler.ts';
import { type ConsumerContext, sqsConsumer } from '#shared/sqs-consumer.ts';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import { DEFAULT_HUB_URL, FetchHubClient, HubRequestError } from '#websub/hub-client.ts';
import { HUB_REQUEST_ATTEMPTS, hubRetryDelaySeconds } from '#websub/hub-retry.ts';
import { REQUESTED_LEASE_SECONDS } from '#websub/subscription.ts';
import { SubscriptionManager, type SubscriptionManagerPorts } from '#websub/subscription-manager.ts';

/**
 * `Channel Subscription Wanted` → the channel's WebSub subscription brought in line with its linked state:
 * a subscribe or unsubscribe request to the hub (YOUTUBE_HUB_URL). A hub that refuses or cannot be reached
 * fails the message, which comes back after a growing delay (websub/hub-retry.ts); the last attempt is
 * dead-lettered with the hub's answer.
 */

/** Local mode always names its hub (the stack runs its own): it never falls back to Google's public one. */
export const hubUrl = (): string =>
  isLocalMode() ? requireEnv('YOUTUBE_HUB_URL') : optionalEnv('YOUTUBE_HUB_URL', DEFAULT_HUB_URL);

export const youtubeCallbackUrl = (publicBaseUrl: string): string =>
  `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/youtube`;

export interface SubscriptionConsumerPorts extends SubscriptionManagerPorts {
  /** Hides a message whose hub request failed until its next attempt is due (HUB_RETRY_DELAYS_SECONDS). */
  readonly retries: RetryScheduler;
  /** Jitter source for the retry delays. */
  readonly random?: () => number;
}

/** Schedules the next attempt of a failed hub request; the message is retried either way. */
const backOff = async (
  ports: SubscriptionConsumerPorts,
  { record, attempt }: ConsumerContext,
  error: unknown,
): Promise<void> => {
  if (!(error instanceof HubRequestError) || attempt >= HUB_REQUEST_ATTEMPTS) return;
  const delaySeconds = hubRetryDelaySeconds(attempt, ports.random);
  try {
    await ports.retries.retryAfter(record, delaySeconds);
  } catch (scheduling) {
    // The queue's visibility timeout brings it back instead, a little early.
    logger.warn('could not delay the retry of a hub request', {
      error: scheduling instanceof Error ? scheduling.message : String(scheduling),
    });
  }
};

export const createSubscriptionConsumer = (portsOf: () => SubscriptionConsumerPorts) =>
  sqsConsumer(async (event, consumer) => {
    const { channelId } = parseDetail('channelSubscriptionWanted', event.detail);
    const ports = portsOf();
    let sent: Awaited<ReturnType<SubscriptionManager['reconcile']>>;
    try {
      sent = await new SubscriptionManager(ports).reconcile(channelId);
    } catch (error) {
      await backOff(ports, consumer, error);
      throw error;
    }
    if (sent) {
      count(sent === 'subscribe' ? 'WebSubSubscribeSent' : 'WebSubUnsubscribeSent');
      logger.info('hub request sent', { channelId, mode: sent });
    }
  });

let defaultPorts: SubscriptionConsumerPorts | undefined;

const productionPorts = (): SubscriptionConsumerPorts => {
  if (!defaultPorts) {
    const tableName = requireEnv('TABLE_NAME');
    defaultPorts = {
      channels: new DynamoChannelSubscriptions(documentClient(), tableName),
      accounts: new DynamoAccountStore(documentClient(), tableName),
      hub: new FetchHubClient(hubUrl()),
      hubSecret: () => signingSecret('YOUTUBE_HUB_SECRET'),
      clock: () => new Date(),
      callbackUrl: youtubeCallbackUrl(requireEnv('PUBLIC_BASE_URL')),
      leaseSeconds: REQUESTED_LEASE_SECONDS,
      retries: new SqsRetryScheduler(new SQSClient({}), requireEnv('QUEUE_URL')),
    };
  }
  return defaultPorts;
};

export const handler = createSubscriptionConsumer(productionPorts);
