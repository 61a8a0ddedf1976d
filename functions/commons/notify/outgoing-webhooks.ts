import * as z from 'zod';
import type { OutgoingWebhookSpec } from '#shared/http-operations.ts';
import { ApplicationReceived } from './notification.ts';

/**
 * The notifications ReelHire POSTs to employers, described once for `GET /openapi.json` (its `webhooks`) with
 * the schema the notifier builds their bodies by. Each is signed with Standard Webhooks by the employer's secret.
 */

const SIGNED = z.object({
  'webhook-id': z.string().describe('the same on every retry of one notification: deduplicate on it'),
  'webhook-timestamp': z.string().regex(/^\d+$/).describe('unix seconds of this attempt'),
  'webhook-signature': z
    .string()
    .describe(
      '`v1,<base64>` HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<body>` with the employer’s `whsec_` secret (verify with the `standardwebhooks` library)',
    ),
});

const RECEIVER_ANSWERS = {
  '2XX': { description: 'received: within 15 s, or it is retried' },
  '410': { description: 'the endpoint is gone: no more retries, the notification fails at once' },
  default: {
    description:
      'anything else (3xx included: redirects are not followed) is retried with backoff for about a day, then dead-lettered',
  },
} as const;

export const OUTGOING_WEBHOOKS = {
  'application.received': {
    tag: 'notifications',
    summary: 'A viewer applied to one of the employer’s jobs',
    description: 'POSTed to the job’s notifyUrl; `webhook-id` is the applicationId.',
    headers: SIGNED,
    body: ApplicationReceived,
    responses: RECEIVER_ANSWERS,
  },
} as const satisfies Readonly<Record<string, OutgoingWebhookSpec>>;
