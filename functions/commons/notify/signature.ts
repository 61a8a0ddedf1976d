import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** The headers of a Standard Webhooks message (standardwebhooks.com): id, timestamp, `v1,` signature. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * Signs `<id>.<timestamp>.<body>` with HMAC-SHA256 keyed by the decoded `whsec_` secret. The timestamp is the
 * attempt's own (unix seconds), so a receiver's replay window applies to each retry.
 */
export const signWebhook = (
  secret: string,
  webhookId: string,
  attemptAt: Date,
  body: string,
): WebhookHeaders => {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a Standard Webhooks secret starts with whsec_');
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const timestamp = String(Math.floor(attemptAt.getTime() / 1000));
  const signature = createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`).digest('base64');
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
};
