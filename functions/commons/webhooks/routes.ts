import * as z from 'zod';
import { bodyProblems, type Operations, problems, routeKeysOf } from '#shared/http-operations.ts';
import { ContraWebhookBody } from './contra.ts';
import { TikTokEnvelope } from './tiktok.ts';

/**
 * The webhooks function's routes, listed once with what they take and answer (lib/routing.ts, and the handlers
 * typed by them): one POST per platform, and the WebSub verification GET beside YouTube's notifications.
 */

/** What a delivery answered 200 was: published, already seen, or not an event type ReelHire uses. */
export const WebhookAnswer = z.object({ status: z.enum(['accepted', 'duplicate', 'ignored']) });

const ACCEPTED = {
  200: {
    description: 'accepted, a duplicate, or an event type ReelHire does not use (nothing more to send)',
    content: { 'application/json': WebhookAnswer },
  },
} as const;

/** 413, 401 and 400 in the contract's order; 503 when the bus did not take the events (retry later). */
const REFUSED = bodyProblems({
  401: 'a missing or wrong signature, or a timestamp more than 300 s from now',
  400: 'a body that is not what the platform sends (the detail says what is wrong)',
  503: 'the events could not be published; retry (Retry-After)',
});

export const WEBHOOKS_API = {
  'POST /webhooks/tiktok': {
    tag: 'webhooks',
    summary: 'TikTok webhook: posts, removals, disconnections',
    description:
      '`post.publish.publicly_available` → Video Posted, `post.publish.no_longer_publicaly_available` (and `…publicly…`) → Video Removed, `authorization.removed` → Account Disconnected; any other event: 200, ignored. TikTok sends no delivery id: the raw body is the deduplication key.',
    security: 'tiktokSignature',
    requestBody: { required: true, content: { 'application/json': TikTokEnvelope } },
    responses: { ...ACCEPTED, ...REFUSED },
  },
  'GET /webhooks/youtube': {
    tag: 'webhooks',
    summary: 'WebSub verification: echoes hub.challenge for a request of ReelHire’s own',
    description:
      'Answered only when the callback token ReelHire put in the callback url, the topic and the mode match a pending request of its own; the lease recorded is the smaller of the granted and the requested one.',
    query: z.object({
      'hub.mode': z.enum(['subscribe', 'unsubscribe', 'denied']),
      'hub.topic': z.string().max(2048),
      'hub.challenge': z.string().max(1024).optional(),
      'hub.lease_seconds': z
        .string()
        .regex(/^\d{1,9}$/)
        .optional(),
      'hub.reason': z.string().optional().describe('why the hub denied a subscription'),
    }),
    responses: {
      200: { description: 'the challenge, echoed', content: { 'text/plain': z.string() } },
      ...problems({ 404: 'no pending request of ReelHire’s for this token, topic and mode' }),
    },
  },
  'POST /webhooks/youtube': {
    tag: 'webhooks',
    summary: 'WebSub notification: YouTube uploads, edits and deletions (Atom)',
    description:
      'An `<entry>` → Video Posted; an `<at:deleted-entry ref="yt:video:ID" when=…>` → Video Removed. A notification with a missing or wrong signature is answered 200 and dropped, as WebSub asks.',
    security: 'youtubeSignature',
    requestBody: { required: true, content: { 'application/atom+xml': z.string() } },
    responses: { ...ACCEPTED, ...REFUSED },
  },
  'POST /webhooks/contra': {
    tag: 'webhooks',
    summary: 'Contra webhook (Standard Webhooks): profiles and jobs',
    description:
      '`data` is the detail of the matching canonical event; any other `type` is answered 200 and ignored. `webhook-id` is the idempotency key.',
    security: 'contraSignature',
    headers: z.object({
      'webhook-id': z.string().min(1).max(256).describe('the delivery’s idempotency key'),
      'webhook-timestamp': z.string().regex(/^\d+$/).describe('unix seconds, within 300 s of now'),
    }),
    requestBody: { required: true, content: { 'application/json': ContraWebhookBody } },
    responses: { ...ACCEPTED, ...REFUSED },
  },
} as const satisfies Operations;

export const WEBHOOK_ROUTES = routeKeysOf(WEBHOOKS_API);
