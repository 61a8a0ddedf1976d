import { signContra } from '#webhooks/contra.ts';
import { signTikTok } from '#webhooks/tiktok.ts';
import { signYouTube } from '#webhooks/youtube.ts';
import { apiGatewayRequest } from './api-gateway.ts';
import { NOW_SECONDS, SECRETS } from './harness.ts';

/** Real-shaped deliveries of each platform, signed as the platform signs them. */

export interface TikTokEnvelope {
  client_key: string;
  event: string;
  create_time: number;
  user_openid: string;
  content: string;
}

export const tiktokEnvelope = (event: string, content: object, overrides: Partial<TikTokEnvelope> = {}) => ({
  client_key: 'aw1kq3x9reelhire',
  event,
  create_time: NOW_SECONDS - 5,
  user_openid: 'act.example-openid-maya',
  content: JSON.stringify(content),
  ...overrides,
});

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

export const youtubeFeed = (entries: string): string =>
  `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
  <link rel="hub" href="https://pubsubhubbub.appspot.com"/>
  <link rel="self" href="https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCx9mayaDesignsChannel01"/>
  <title>YouTube video feed</title>
  <updated>2026-11-22T09:59:58.123456789+00:00</updated>
${entries}
</feed>`;

export const youtubeEntry = ({
  videoId = 'dQw4w9WgXcQ',
  channelId = 'UCx9mayaDesignsChannel01',
  title = 'Brand refresh for a coffee roaster',
  published = '2026-11-22T09:58:00+00:00',
  // When YouTube sent the entry (an upload, an edit); one older than the dedupe window is dropped as a replay.
  updated = undefined as string | undefined,
} = {}) => `  <entry>
    <id>yt:video:${videoId}</id>
    <yt:videoId>${videoId}</yt:videoId>
    <yt:channelId>${channelId}</yt:channelId>
    <title>${title}</title>
    <link rel="alternate" href="http://www.youtube.com/watch?v=${videoId}"/>
    <author>
      <name>Maya Designs</name>
      <uri>http://www.youtube.com/channel/${channelId}</uri>
    </author>
    <published>${published}</published>
    <updated>${updated ?? published}</updated>
  </entry>`;

export const youtubeDeletion = (videoId = 'dQw4w9WgXcQ', when = '2026-11-22T09:59:00.552394234+00:00') =>
  `<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">
  <at:deleted-entry ref="yt:video:${videoId}" when="${when}">
    <link href="http://www.youtube.com/watch?v=${videoId}"/>
    <at:by>
      <name>Maya Designs</name>
      <uri>http://www.youtube.com/channel/UCx9mayaDesignsChannel01</uri>
    </at:by>
  </at:deleted-entry>
</feed>`;

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
