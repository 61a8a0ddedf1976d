import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { sourceOf } from '#events/catalog.ts';
import type { EventPublisher, OutgoingEvent } from '../event-publisher.ts';

/** PutEvents takes at most 10 entries a call. */
const PUT_EVENTS_BATCH = 10;
const MAX_ATTEMPTS = 5;

export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
}

/**
 * Publishes to an EventBridge bus in calls of ≤ 10 entries; entries that fail (FailedEntryCount, per-entry
 * ErrorCode) are resent with backoff, and the call throws if any are still failing so the caller's
 * message is retried rather than acknowledged.
 */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += PUT_EVENTS_BATCH) {
      await this.putBatch(events.slice(start, start + PUT_EVENTS_BATCH).map((event) => this.toEntry(event)));
    }
  }

  private toEntry(event: OutgoingEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: sourceOf(event.origin),
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      ...(event.time ? { Time: event.time } : {}),
    };
  }

  private async putBatch(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const response = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!response.FailedEntryCount) return;
      const results = response.Entries ?? [];
      const failed = pending.filter((_, index) => results[index]?.ErrorCode !== undefined);
      if (attempt >= MAX_ATTEMPTS) {
        const codes = [...new Set(results.map((result) => result.ErrorCode).filter(Boolean))].join(', ');
        throw new EventPublishError(
          `${failed.length} of ${entries.length} events not accepted by the bus: ${codes}`,
        );
      }
      pending = failed;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

let defaultPublisher: EventPublisher | undefined;

/** The publisher for this container: created once, on first use, from EVENT_BUS_NAME. */
export const busPublisher = (): EventPublisher => {
  if (!defaultPublisher) {
    const busName = process.env.EVENT_BUS_NAME;
    if (!busName) throw new Error('missing required environment variable EVENT_BUS_NAME');
    defaultPublisher = new EventBridgePublisher(new EventBridgeClient({}), busName);
  }
  return defaultPublisher;
};
