/**
 * The webhook deliveries already accepted, so that a redelivery is answered 200 without publishing again.
 * One item per delivery in the single table, claimed with a conditional write before publishing (so two
 * concurrent copies publish once), released when publishing fails (so the platform's retry is not taken for a
 * duplicate) and confirmed once the bus accepted. A claim left pending by a function that died between claiming
 * and confirming (a crash, a timeout) can be claimed again once it is older than any invocation can last, so
 * the platform's next retry publishes it: a delivery is never lost to a crash. Remembered for 96 h, beyond
 * TikTok's 72 h of retries; `expiresAt` is the table's TTL attribute, and since TTL deletes items up to ~48 h
 * late it is also checked on every claim.
 */

export const DELIVERY_RETENTION_SECONDS = 96 * 3600;

/** Longer than the webhooks function's timeout: a pending claim this old belongs to a dead invocation. */
export const STALE_CLAIM_SECONDS = 60;

export type WebhookOrigin = 'tiktok' | 'youtube' | 'contra';

export interface DeliveryClaim {
  readonly origin: WebhookOrigin;
  readonly key: string;
  /** Identifies this claim, so that releasing it can never delete a later claim of the same delivery. */
  readonly claimId: string;
}

/** The port the ingestion use case deduplicates through. */
export interface DeliveryLedger {
  /** The claim, or undefined when the delivery was already claimed (a duplicate). */
  claim(origin: WebhookOrigin, key: string, now: Date): Promise<DeliveryClaim | undefined>;
  release(claim: DeliveryClaim): Promise<void>;
  /** Marks the delivery published: from then on every copy of it is a duplicate. */
  confirm(claim: DeliveryClaim): Promise<void>;
}
