import * as z from 'zod';
import type { OutgoingWebhookSpec } from '#shared/http-operations.ts';
import { ApplicationReceived, ApplicationWithdrawnNotification, EndpointTest } from './notification.ts';

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
  'application.withdrawn': {
    tag: 'notifications',
    summary: 'The applicant withdrew an application the employer was sent',
    description:
      'POSTed to the notifyUrl the application was received under; `webhook-id` is `<applicationId>.withdrawn`. Never before the same application’s application.received (it waits while that one is retried); still sent if that one failed for good.',
    headers: SIGNED,
    body: ApplicationWithdrawnNotification,
    responses: RECEIVER_ANSWERS,
  },
  'endpoint.test': {
    tag: 'notifications',
    summary: 'The test event `POST /employer/test` sends',
    description:
      'POSTed once, at once, to the url given to `POST /employer/test`, under the same signing and SSRF rules; not retried.',
    headers: SIGNED,
    body: EndpointTest,
    responses: {
      '2XX': { description: 'delivered: `POST /employer/test` answers `delivered: true`' },
      default: {
        description: 'not delivered: `POST /employer/test` answers `delivered: false` with the status',
      },
    },
  },
} as const satisfies Readonly<Record<string, OutgoingWebhookSpec>>;
