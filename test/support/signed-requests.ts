import { signContra } from '#webhooks/contra.ts';
import { signTikTok } from '#webhooks/tiktok.ts';
import { signYouTube } from '#webhooks/youtube.ts';
import { NOW_SECONDS } from '../../local/testing/platform-deliveries.ts';
import { apiGatewayRequest } from './aws-inputs.ts';
import { SECRETS } from './webhook-harness.ts';

/** Each platform's delivery as the webhook routes receive it, signed as the platform signs it. */

export const tiktokRequest = (
  body: string,
  {
    secret = SECRETS.tiktok,
    timestamp = NOW_SECONDS,
    signature,
  }: { secret?: string; timestamp?: number; signature?: string } = {},
) =>
  apiGatewayRequest({
    method: 'POST',
    path: '/webhooks/tiktok',
    headers: {
      'Content-Type': 'application/json',
      'TikTok-Signature': signature ?? signTikTok(secret, timestamp, body),
    },
    body,
  });

export const youtubeRequest = (
  body: string,
  {
    secret = SECRETS.youtube,
    algorithm = 'sha1' as const,
    signature,
  }: { secret?: string; algorithm?: 'sha1' | 'sha256'; signature?: string | null } = {},
) =>
  apiGatewayRequest({
    method: 'POST',
    path: '/webhooks/youtube',
    headers: {
      'Content-Type': 'application/atom+xml',
      ...(signature === null ? {} : { 'X-Hub-Signature': signature ?? signYouTube(secret, body, algorithm) }),
    },
    body,
  });

let deliveryCounter = 0;
export const nextWebhookId = (): string =>
  `msg_2KWPBgLlAfxdpx2AI54pPJ${String(++deliveryCounter).padStart(4, '0')}`;

export const contraRequest = (
  body: string,
  {
    secret = SECRETS.contra,
    webhookId = nextWebhookId(),
    timestamp = NOW_SECONDS,
    signature,
  }: { secret?: string; webhookId?: string; timestamp?: number; signature?: string } = {},
) =>
  apiGatewayRequest({
    method: 'POST',
    path: '/webhooks/contra',
    headers: {
      'Content-Type': 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature ?? signContra(secret, webhookId, timestamp, body),
    },
    body,
  });
