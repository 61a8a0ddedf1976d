import * as z from 'zod';
import { id } from '#events/fields.ts';
import { isJsonObject } from '#shared/json.ts';
import { decodeCursor, encodeCursor } from '#shared/pagination.ts';
import { kindDefinition, NOTIFICATION_KINDS, parseWebhookId } from './notification.ts';
import {
  type DeliveryState,
  type NotificationRecord,
  type NotificationStore,
  stateOf,
} from './notification-store.ts';

/** The notifier's queue, to send a notification's message again. */
export interface NotificationQueue {
  send(body: string): Promise<void>;
}

/** The notifier's dead-letter queue, to take a message out of it. */
export interface NotificationDeadLetters {
  takeOut(matches: (body: string) => boolean, maxMessages?: number): Promise<number>;
}

export interface DeliveryLogDependencies {
  readonly notifications: NotificationStore;
  readonly queue: NotificationQueue;
  readonly deadLetters: NotificationDeadLetters;
  readonly now: () => Date;
}

/** A notification as the delivery log shows it (CONTRACT §6 `GET /employer/deliveries`). */
export const deliveryView = (record: NotificationRecord) => ({
  webhookId: record.webhookId,
  type: kindDefinition(record.kind).type,
  applicationId: record.applicationId,
  state: stateOf(record),
  attempts: record.attemptLog.map(({ at, statusCode, error, durationMs }) => ({
    at,
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(error === undefined ? {} : { error }),
    durationMs,
  })),
});

export type DeliveryView = ReturnType<typeof deliveryView>;

const Position = z.strictObject({
  s: z.string().regex(/^\d{22}#.{1,200}$/s),
  a: id,
  k: z.enum(NOTIFICATION_KINDS),
});

/** Whether a queued message is the one that asks for this notification (its event, for its application). */
const asksFor = (body: string, record: NotificationRecord): boolean => {
  try {
    const event: unknown = JSON.parse(body);
    return (
      isJsonObject(event) &&
      isJsonObject(event.detail) &&
      event.detail.applicationId === record.applicationId &&
      event['detail-type'] === JSON.parse(record.trigger)['detail-type']
    );
  } catch {
    return false;
  }
};

/**
 * The employer's delivery log: the notification records themselves, newest latest attempt first, 30 days;
 * and a retry of any of them, now, also of one that failed for good (out of the dead-letter queue).
 */
export class DeliveryLog {
  constructor(private readonly deps: DeliveryLogDependencies) {}

  /** Throws InvalidCursorError for a cursor this log did not give. */
  async list(employerId: string, state: DeliveryState | undefined, limit: number, cursor?: string) {
    const after = cursor === undefined ? undefined : decodeCursor(cursor, Position);
    const page = await this.deps.notifications.byEmployer(
      employerId,
      state,
      this.deps.now(),
      limit,
      after && { sortKey: after.s, applicationId: after.a, kind: after.k },
    );
    const { next } = page;
    return {
      items: page.records.map(deliveryView),
      nextCursor: next && encodeCursor({ s: next.sortKey, a: next.applicationId, k: next.kind }),
    };
  }

  /**
   * Sends the notification again now: a fresh message on the notifier's queue, after taking its old one out of
   * the dead-letter queue (when it is among the first hundred there) and making the record pending again.
   * False when the employer has no such notification (another's, none, or past the log's 30 days).
   */
  async retry(employerId: string, webhookId: string): Promise<boolean> {
    const named = parseWebhookId(webhookId);
    if (named === undefined || !id.safeParse(named.applicationId).success) return false;
    const record = await this.deps.notifications.get(named.applicationId, named.kind);
    if (!record || record.employerId !== employerId || record.expiresAt <= this.deps.now().getTime() / 1000) {
      return false;
    }
    await this.deps.deadLetters.takeOut((body) => asksFor(body, record));
    await this.deps.notifications.reopenForRetry(record.applicationId, record.kind);
    await this.deps.queue.send(record.trigger);
    return true;
  }
}
