/**
 * The bodies each platform delivers, real-shaped (TikTok's envelope, YouTube's Atom feed and deletions), for the
 * tests and the reliability harness to sign and send. Every body is dated at NOW unless told otherwise.
 */

/** 2026-11-22T10:00:00Z: the instant the sample deliveries are dated, and every webhook test's clock starts at. */
export const NOW = new Date('2026-11-22T10:00:00Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

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
