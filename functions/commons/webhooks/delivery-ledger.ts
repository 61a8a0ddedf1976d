/**
 * The webhook deliveries already published, so that a redelivery is answered 200 without publishing again.
 * One write per delivery, made only after the bus accepted its events ("look, publish, remember"): the record
 * exists only for a published delivery, so no failure or crash at any point can turn the platform's retry into
 * a "duplicate" of something never published. The price of writing once instead of claiming before and
 * confirming after (two write units): copies that arrive together, or a retry after a crash between
 * publishing and remembering, are published twice, which every consumer absorbs (events are at least once).
 * Remembered for 96 h, beyond TikTok's 72 h of retries; `expiresAt` is the table's TTL attribute, and since
 * TTL deletes items up to ~48 h late it is also checked on every look.
 */

export const DELIVERY_RETENTION_SECONDS = 96 * 3600;

export type WebhookOrigin = 'tiktok' | 'youtube' | 'contra';

/** The port the ingestion use case deduplicates through. */
export interface DeliveryLedger {
  /** Whether the delivery was published and is still remembered. */
  published(origin: WebhookOrigin, key: string, now: Date): Promise<boolean>;
  /** Remembers a delivery the bus accepted: from then on every copy of it is a duplicate. */
  remember(origin: WebhookOrigin, key: string, now: Date): Promise<void>;
}
