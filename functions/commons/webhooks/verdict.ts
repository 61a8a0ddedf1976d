import type * as z from 'zod';
import { EVENTS, type EventName, type Origin } from '#events/catalog.ts';
import type { OutgoingEvent } from '#shared/event-publisher.ts';

/** What a platform delivered, as the ingestion use case sees it: the raw bytes and the headers. */
export interface WebhookDelivery {
  readonly body: Buffer;
  header(name: string): string | undefined;
}

/**
 * What reading one delivery concluded, checks in the contract's order (signature and timestamp, then body).
 * Only `deliver` publishes anything.
 */
export type Verdict =
  /** 401: missing or wrong signature, or a timestamp outside the tolerance. */
  | { readonly kind: 'unauthorized'; readonly detail: string }
  /** 2xx and dropped: a WebSub notification that does not verify (WebSub asks subscribers not to say why). */
  | { readonly kind: 'unverified'; readonly detail: string }
  /** 400: signed, but not what the platform sends. */
  | { readonly kind: 'invalid'; readonly detail: string }
  /** 200: signed and well-formed, but an event type ReelHire does not use. */
  | { readonly kind: 'ignored'; readonly eventType: string }
  /** 200 once the bus accepted the events; `deliveryKey` identifies the delivery for deduplication. */
  | { readonly kind: 'deliver'; readonly deliveryKey: string; readonly events: readonly OutgoingEvent[] };

/** Reads a platform's delivery with the current secrets, at `now`. */
export type DeliveryReader = (delivery: WebhookDelivery, secrets: readonly string[], now: Date) => Verdict;

/** Checks a delivery's signature and timestamp: the verdict refusing it, or undefined when it passes. */
export type SignatureCheck = (
  delivery: WebhookDelivery,
  secrets: readonly string[],
  now: Date,
) => Verdict | undefined;

/** A reader in the contract's order: the signature and timestamp (401) before the body (400). */
export const signedDelivery =
  (check: SignatureCheck, readBody: (delivery: WebhookDelivery) => Verdict): DeliveryReader =>
  (delivery, secrets, now) =>
    check(delivery, secrets, now) ?? readBody(delivery);

export const unauthorized = (detail: string): Verdict => ({ kind: 'unauthorized', detail });
export const invalid = (detail: string): Verdict => ({ kind: 'invalid', detail });

/** Up to ten of a schema's issues, each named by where it is in the platform's body (`prefix.field.…`). */
export const describeIssues = (issues: z.ZodError['issues'], prefix: string): string =>
  issues
    .slice(0, 10)
    .map((issue) => `${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');

/**
 * Validates a mapped detail with the catalog's schema, so that what reaches the bus always fits its event.
 * `fieldPrefix` names where the offending values came from in the platform's body (for the 400's detail).
 */
export const canonicalEvent = (
  name: EventName,
  origin: Origin,
  detail: unknown,
  fieldPrefix: string,
): { readonly event: OutgoingEvent } | { readonly problem: string } => {
  const definition = EVENTS[name];
  const result = definition.schema.safeParse(detail);
  if (!result.success) {
    return { problem: `${definition.detailType}: ${describeIssues(result.error.issues, fieldPrefix)}` };
  }
  return { event: { origin, detailType: definition.detailType, detail: result.data } };
};
