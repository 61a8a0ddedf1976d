import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { type Origin, sourceOf } from '#events/catalog.ts';
import type { Delivery } from './history.ts';

/** A delivery the bus accepted, with the id it gave the event. */
export interface Delivered {
  readonly eventId: string;
  readonly delivery: Delivery;
}

/** PutEvents takes at most 10 entries a call. */
const ENTRIES_PER_CALL = 10;
const MAX_ATTEMPTS = 5;

const originOf = (detailType: string, detail: Record<string, unknown>): Origin => {
  if (detailType.startsWith('Profile') || detailType.startsWith('Job')) return 'contra';
  return detail.platform === 'youtube' ? 'youtube' : detail.platform === 'tiktok' ? 'tiktok' : 'api';
};

const entryOf = (delivery: Delivery, busName: string): PutEventsRequestEntry => {
  const { detailType, detail }: { detailType: string; detail: Record<string, unknown> } =
    delivery.kind === 'event' ? delivery.event : delivery.poison;
  return {
    EventBusName: busName,
    Source: sourceOf(originOf(detailType, detail)),
    DetailType: detailType,
    Detail: JSON.stringify(detail),
  };
};

/** Runs `work` on every index with at most `concurrency` under way. */
export const inParallel = async (
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
};

/**
 * Puts every delivery on the bus in its order, through the EventBridge SDK client, ≤ 10 entries a call and a
 * few calls at a time; entries the bus refuses (FailedEntryCount) are put again. Returns the accepted
 * deliveries with their event ids, for the reconciliation.
 */
export const replay = async (
  client: EventBridgeClient,
  busName: string,
  deliveries: readonly Delivery[],
  concurrency = 4,
): Promise<Delivered[]> => {
  const delivered: Delivered[] = [];
  await inParallel(Math.ceil(deliveries.length / ENTRIES_PER_CALL), concurrency, async (call) => {
    let pending = deliveries.slice(call * ENTRIES_PER_CALL, (call + 1) * ENTRIES_PER_CALL);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const { Entries = [] } = await client.send(
        new PutEventsCommand({ Entries: pending.map((delivery) => entryOf(delivery, busName)) }),
      );
      const refused: Delivery[] = [];
      pending.forEach((delivery, index) => {
        const eventId = Entries[index]?.EventId;
        if (eventId) delivered.push({ eventId, delivery });
        else refused.push(delivery);
      });
      if (refused.length > 0 && attempt >= MAX_ATTEMPTS) {
        throw new Error(`the bus kept refusing ${refused.length} entries: ${JSON.stringify(Entries)}`);
      }
      pending = refused;
    }
  });
  return delivered;
};
