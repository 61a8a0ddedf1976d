import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { Webhook } from 'standardwebhooks';
import { DEV_SECRETS } from '../../local/dev-secrets.ts';

/**
 * What the outside world sends a running ReelHire, built from the contract alone (CONTRACT §4): Contra's
 * Standard Webhooks, TikTok's signed envelope and a viewer's JWT, all with the local development secrets.
 */

export const contraWebhook = (apiUrl: string, type: string, data: unknown): Promise<Response> => {
  const body = JSON.stringify({ type, data });
  const id = `msg_${randomUUID()}`;
  const timestamp = new Date();
  return fetch(`${apiUrl}/webhooks/contra`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(DEV_SECRETS.CONTRA_WEBHOOK_SECRET).sign(id, timestamp, body),
    },
    body,
  });
};

export const tiktokWebhook = (
  apiUrl: string,
  event: string,
  openId: string,
  content: unknown,
): Promise<Response> => {
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    client_key: 'reelhire-local',
    event,
    create_time: now,
    user_openid: openId,
    content: JSON.stringify(content),
  });
  const signature = createHmac('sha256', DEV_SECRETS.TIKTOK_CLIENT_SECRET)
    .update(`${now}.${body}`)
    .digest('hex');
  return fetch(`${apiUrl}/webhooks/tiktok`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'tiktok-signature': `t=${now},s=${signature}` },
    body,
  });
};

/** The token Contra issues a viewer: HS256 with the local VIEWER_TOKEN_SECRET, `aud` reelhire. */
export const viewerToken = (profileId: string): Promise<string> =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(profileId)
    .setAudience('reelhire')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(DEV_SECRETS.VIEWER_TOKEN_SECRET));
