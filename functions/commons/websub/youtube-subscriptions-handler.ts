import { parseDetail } from '#events/parse.ts';
import { count, logger } from '#shared/observability.ts';
import type { RetryScheduler } from '#shared/retry-scheduler.ts';
import { type ConsumerContext, sqsConsumer } from '#shared/sqs-consumer.ts';
import { HubRequestError } from './hub-client.ts';
import { HUB_REQUEST_ATTEMPTS, hubRetryDelaySeconds } from './hub-retry.ts';
import { SubscriptionManager, type SubscriptionManagerPorts } from './subscription-manager.ts';

/**
 * `Channel Subscription Wanted` → the channel's WebSub subscription brought in line with its linked state:
 * a subscribe or unsubscribe request to the hub (YOUTUBE_HUB_URL). A hub that refuses or cannot be reached
 * fails the message, which comes back after a growing delay (websub/hub-retry.ts); the last attempt is
 * dead-lettered with the hub's answer.
 */

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

export const createYouTubeSubscriptionsHandler = (ports: SubscriptionConsumerPorts) =>
  sqsConsumer(async (event, consumer) => {
    const { channelId } = parseDetail('channelSubscriptionWanted', event.detail);
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
