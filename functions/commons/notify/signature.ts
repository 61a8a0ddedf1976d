import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** The headers of a Standard Webhooks message (standardwebhooks.com): id, timestamp, `v1,` signature(s). */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * Signs `<id>.<timestamp>.<body>` with HMAC-SHA256 keyed by each decoded `whsec_` secret, one `v1,` signature
 * per secret in the order given (newest first during a rotation), space-separated. The timestamp is the
 * attempt's own (unix seconds), so a receiver's replay window applies to each retry.
 */
export const signWebhook = (
  secrets: readonly string[],
  webhookId: string,
  attemptAt: Date,
  body: string,
): WebhookHeaders => {
  if (secrets.length === 0) throw new Error('at least one secret signs');
  const timestamp = String(Math.floor(attemptAt.getTime() / 1000));
  const signatures = secrets.map((secret) => {
    if (!secret.startsWith(SECRET_PREFIX)) throw new Error('a Standard Webhooks secret starts with whsec_');
    const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
    return `v1,${createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`).digest('base64')}`;
  });
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatures.join(' '),
  };
};

const USER_AGENT = 'ReelHire-Notifier/1.0';

/** Every header of a notification POST: JSON, who sends it, and its Standard Webhooks signature(s). */
export const notificationHeaders = (
  secrets: readonly string[],
  webhookId: string,
  attemptAt: Date,
  body: string,
): Record<string, string> => ({
  'content-type': 'application/json',
  'user-agent': USER_AGENT,
  ...signWebhook(secrets, webhookId, attemptAt, body),
});
