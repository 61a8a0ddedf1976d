import type { EventPublisher } from '#shared/event-publisher.ts';
import type { MetricName, WebhookMetricOutcome, WebhookMetricPlatform } from '#shared/metric-names.ts';
import type { StoredSecretName } from '#shared/secret-names.ts';
import { readContraDelivery } from './contra.ts';
import type { DeliveryLedger, WebhookOrigin } from './delivery-ledger.ts';
import { readTikTokDelivery } from './tiktok.ts';
import type { DeliveryReader, WebhookDelivery } from './verdict.ts';
import { readYouTubeNotification } from './youtube.ts';

/**
 * The webhook ingestion use case: verify, read, deduplicate, publish — in the contract's order, with the
 * outside world behind ports (the bus, the delivery ledger, the secrets, the clock, the metrics).
 */

export interface IngestionPorts {
  readonly publisher: EventPublisher;
  readonly deliveries: DeliveryLedger;
  /** Every current value of a secret: several during a rotation, any of them verifies. */
  readonly secrets: (name: StoredSecretName) => Promise<readonly string[]>;
  readonly clock: () => Date;
  /** Counts one occurrence of a metric. */
  readonly count: (metric: MetricName) => void;
}

export type IngestResult =
  | { readonly outcome: 'accepted'; readonly published: number }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'ignored'; readonly eventType: string }
  /** A WebSub notification that did not verify: acknowledged, not published. */
  | { readonly outcome: 'dropped' }
  | { readonly outcome: 'unauthorized'; readonly detail: string }
  | { readonly outcome: 'invalid'; readonly detail: string }
  /** The bus did not take the events in time: nothing is remembered, so the platform's retry is processed. */
  | { readonly outcome: 'unavailable'; readonly detail: string };

const SOURCES: Readonly<
  Record<
    WebhookOrigin,
    {
      readonly secret: StoredSecretName;
      readonly read: DeliveryReader;
      readonly label: WebhookMetricPlatform;
    }
  >
> = {
  tiktok: { secret: 'TIKTOK_CLIENT_SECRET', read: readTikTokDelivery, label: 'TikTok' },
  youtube: { secret: 'YOUTUBE_HUB_SECRET', read: readYouTubeNotification, label: 'YouTube' },
  contra: { secret: 'CONTRA_WEBHOOK_SECRET', read: readContraDelivery, label: 'Contra' },
};

const METRIC_OF: Readonly<Record<IngestResult['outcome'], WebhookMetricOutcome>> = {
  accepted: 'Accepted',
  duplicate: 'Duplicate',
  ignored: 'Ignored',
  dropped: 'UnverifiedDropped',
  unauthorized: 'Unauthorized',
  invalid: 'Invalid',
  unavailable: 'PublishFailed',
};

export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
}

/** Resolves with the work, or rejects once `ms` have passed (the work itself is not cancelled). */
const within = async <T>(work: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PublishTimeoutError(`the bus did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

export class WebhookIngestion {
  constructor(private readonly ports: IngestionPorts) {}

  /**
   * Receives one delivery. `publishBudgetMs` bounds the wait for the bus, so that 503 is answered (and the
   * platform retries) while the function still has time to answer at all.
   */
  async receive(
    origin: WebhookOrigin,
    delivery: WebhookDelivery,
    publishBudgetMs = 5_000,
  ): Promise<IngestResult> {
    const result = await this.process(origin, delivery, publishBudgetMs);
    this.ports.count(`${SOURCES[origin].label}Webhook${METRIC_OF[result.outcome]}`);
    return result;
  }

  private async process(
    origin: WebhookOrigin,
    delivery: WebhookDelivery,
    publishBudgetMs: number,
  ): Promise<IngestResult> {
    const source = SOURCES[origin];
    const now = this.ports.clock();
    const verdict = source.read(delivery, await this.ports.secrets(source.secret), now);
    switch (verdict.kind) {
      case 'unauthorized':
        return { outcome: 'unauthorized', detail: verdict.detail };
      case 'unverified':
        return { outcome: 'dropped' };
      case 'invalid':
        return { outcome: 'invalid', detail: verdict.detail };
      case 'ignored':
        return { outcome: 'ignored', eventType: verdict.eventType };
      case 'deliver':
        break;
    }

    // Look, publish, remember: the delivery is remembered only once the bus has its events, so nothing that
    // fails or dies before that can make the platform's retry look like a duplicate.
    if (await this.ports.deliveries.published(origin, verdict.deliveryKey, now))
      return { outcome: 'duplicate' };
    try {
      await within(this.ports.publisher.publish(verdict.events), publishBudgetMs);
    } catch (error) {
      return { outcome: 'unavailable', detail: error instanceof Error ? error.message : String(error) };
    }
    try {
      await this.ports.deliveries.remember(origin, verdict.deliveryKey, now);
    } catch {
      // Published already: answer 200. Not remembered, a later copy is published again (a duplicate event,
      // which every consumer absorbs) rather than lost.
    }
    return { outcome: 'accepted', published: verdict.events.length };
  }
}
