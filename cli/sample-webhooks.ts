import { randomUUID } from 'node:crypto';
import { EVENTS, type EventName } from '#events/catalog.ts';
import type { VideoRef } from '#events/fields.ts';
import { parseDetail } from '#events/parse.ts';
import { sampleOf } from '#events/samples.ts';
import type { SecretName } from '#shared/secret-names.ts';
import { signContra } from '#webhooks/contra.ts';
import { signTikTok, TIKTOK_SIGNATURE_HEADER } from '#webhooks/tiktok.ts';
import { signYouTube, YOUTUBE_SIGNATURE_HEADER } from '#webhooks/youtube.ts';

/**
 * The sample webhooks `reelhire trigger` sends: each platform's own delivery, built from the catalog's sample of
 * the canonical event it becomes, with fresh timestamps, the ids a flag overrides, and the platform's
 * signature made with the secret the running stack verifies.
 */

export interface SampleOverrides {
  readonly videoId?: string;
  readonly accountId?: string;
  readonly profileId?: string;
  readonly jobId?: string;
  readonly version?: number;
  readonly notifyUrl?: string;
  readonly videos?: readonly VideoRef[];
}
export type OverrideName = keyof SampleOverrides;

type Platform = 'tiktok' | 'youtube' | 'contra';

interface SampleWebhook {
  readonly platform: Platform;
  /** The platform's name for the delivery (TikTok's `event`, Contra's `type`, the kind of Atom entry). */
  readonly platformEvent: string;
  readonly accepts: readonly OverrideName[];
  readonly body: (overrides: SampleOverrides, now: Date) => string;
}

const detailOf = <Name extends EventName>(name: Name) => parseDetail(name, sampleOf(EVENTS[name]).detail);

const iso = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
const unixSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

const tiktokBody = (event: string, accountId: string, content: object, now: Date): string =>
  JSON.stringify({
    client_key: 'reelhire-cli',
    event,
    create_time: unixSeconds(now),
    user_openid: accountId,
    content: JSON.stringify(content),
  });

const xml = (text: string): string =>
  text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);

/**
 * The channel of a YouTube sample (whose feed a hub delivers it under): `--account-id`, else the one the sample
 * profile links, so that a sample YouTube video gets its portfolio link.
 */
export const youtubeChannelOf = (overrides: SampleOverrides): string =>
  overrides.accountId ??
  detailOf('profileUpdated').linkedAccounts.find((account) => account.platform === 'youtube')?.accountId ??
  'UCx9mayaDesignsChannel01';

const youtubeFeed = (entries: string): string =>
  `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">
  <title>YouTube video feed</title>
${entries}
</feed>
`;

const contraBody = (type: string, data: object): string => JSON.stringify({ type, data });

const tiktok = (
  platformEvent: string,
  accepts: readonly OverrideName[],
  content: (overrides: SampleOverrides) => object,
): SampleWebhook => ({
  platform: 'tiktok',
  platformEvent,
  accepts,
  body: (overrides, now) =>
    tiktokBody(
      platformEvent,
      overrides.accountId ?? detailOf('videoPosted').accountId,
      content(overrides),
      now,
    ),
});

export const SAMPLE_WEBHOOKS = {
  'tiktok.video-posted': tiktok('post.publish.publicly_available', ['videoId', 'accountId'], (overrides) => ({
    post_id: overrides.videoId ?? detailOf('videoPosted').videoId,
  })),
  'tiktok.video-removed': tiktok(
    'post.publish.no_longer_publicly_available',
    ['videoId', 'accountId'],
    (overrides) => ({ post_id: overrides.videoId ?? detailOf('videoRemoved').videoId }),
  ),
  'tiktok.account-disconnected': tiktok('authorization.removed', ['accountId'], () => ({
    reason: detailOf('accountDisconnected').reason,
  })),
  'youtube.video-posted': {
    platform: 'youtube',
    platformEvent: 'entry',
    accepts: ['videoId', 'accountId'],
    body: (overrides, now) => {
      const sample = detailOf('videoPosted');
      const videoId = xml(overrides.videoId ?? sample.videoId);
      const channelId = xml(youtubeChannelOf(overrides));
      return youtubeFeed(`  <entry>
    <id>yt:video:${videoId}</id>
    <yt:videoId>${videoId}</yt:videoId>
    <yt:channelId>${channelId}</yt:channelId>
    <title>${xml(sample.caption ?? 'A ReelHire sample video')}</title>
    <link rel="alternate" href="https://www.youtube.com/watch?v=${videoId}"/>
    <published>${iso(now)}</published>
    <updated>${iso(now)}</updated>
  </entry>`);
    },
  },
  'youtube.video-removed': {
    platform: 'youtube',
    platformEvent: 'deleted-entry',
    accepts: ['videoId', 'accountId'],
    body: (overrides, now) => {
      const videoId = xml(overrides.videoId ?? detailOf('videoRemoved').videoId);
      return youtubeFeed(`  <at:deleted-entry ref="yt:video:${videoId}" when="${iso(now)}">
    <link href="https://www.youtube.com/watch?v=${videoId}"/>
    <at:by>
      <name>A ReelHire sample channel</name>
      <uri>https://www.youtube.com/channel/${xml(youtubeChannelOf(overrides))}</uri>
    </at:by>
  </at:deleted-entry>`);
    },
  },
  'contra.profile-updated': {
    platform: 'contra',
    platformEvent: 'profile.updated',
    accepts: ['profileId', 'version'],
    body: (overrides, now) => {
      const sample = detailOf('profileUpdated');
      return contraBody('profile.updated', {
        ...sample,
        profileId: overrides.profileId ?? sample.profileId,
        version: overrides.version ?? sample.version,
        updatedAt: iso(now),
      });
    },
  },
  'contra.profile-deleted': {
    platform: 'contra',
    platformEvent: 'profile.deleted',
    accepts: ['profileId', 'version'],
    body: (overrides, now) => {
      const sample = detailOf('profileDeleted');
      return contraBody('profile.deleted', {
        profileId: overrides.profileId ?? sample.profileId,
        version: overrides.version ?? sample.version,
        deletedAt: iso(now),
      });
    },
  },
  'contra.job-published': {
    platform: 'contra',
    platformEvent: 'job.published',
    accepts: ['jobId', 'version', 'notifyUrl', 'videos'],
    body: (overrides, now) => {
      const sample = detailOf('jobPublished');
      // Open as long as the sample's job is, from now: a sample job must not be born closed.
      const openForMs = sample.closesAt
        ? Date.parse(sample.closesAt) - Date.parse(sample.publishedAt)
        : 30 * 86_400_000;
      return contraBody('job.published', {
        ...sample,
        jobId: overrides.jobId ?? sample.jobId,
        version: overrides.version ?? sample.version,
        notifyUrl: overrides.notifyUrl ?? sample.notifyUrl,
        videos: overrides.videos ?? sample.videos,
        publishedAt: iso(now),
        closesAt: iso(new Date(now.getTime() + openForMs)),
      });
    },
  },
  'contra.job-closed': {
    platform: 'contra',
    platformEvent: 'job.closed',
    accepts: ['jobId', 'version'],
    body: (overrides, now) => {
      const sample = detailOf('jobClosed');
      return contraBody('job.closed', {
        jobId: overrides.jobId ?? sample.jobId,
        version: overrides.version ?? sample.version,
        closedAt: iso(now),
      });
    },
  },
} as const satisfies Record<string, SampleWebhook>;

export type SampleName = keyof typeof SAMPLE_WEBHOOKS;
export const SAMPLE_NAMES = Object.keys(SAMPLE_WEBHOOKS) as SampleName[];

/** The overrides a sample uses; any other given is a mistake worth saying. */
export const acceptedOverrides = (name: SampleName): readonly OverrideName[] => SAMPLE_WEBHOOKS[name].accepts;

const SECRET_OF: Readonly<Record<Platform, SecretName>> = {
  tiktok: 'TIKTOK_CLIENT_SECRET',
  youtube: 'YOUTUBE_HUB_SECRET',
  contra: 'CONTRA_WEBHOOK_SECRET',
};

export interface YouTubeSampleFeed {
  readonly platformEvent: string;
  readonly channelId: string;
  readonly feed: string;
}

/**
 * A YouTube sample as YouTube hands it to the hub: the feed of its channel, unsigned (the hub signs it for each
 * subscriber). Undefined for the other platforms' samples.
 */
export const youtubeSampleFeed = (
  name: SampleName,
  overrides: SampleOverrides,
  now: Date = new Date(),
): YouTubeSampleFeed | undefined => {
  const sample: SampleWebhook = SAMPLE_WEBHOOKS[name];
  if (sample.platform !== 'youtube') return undefined;
  return {
    platformEvent: sample.platformEvent,
    channelId: youtubeChannelOf(overrides),
    feed: sample.body(overrides, now),
  };
};

export interface SignedWebhook {
  readonly name: SampleName;
  readonly platformEvent: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The secret it was signed with (its name: the value is never shown). */
  readonly secretName: SecretName;
}

/** A sample delivery, signed as its platform signs (CONTRACT §4 "Webhooks in"). */
export const signedSampleWebhook = (
  name: SampleName,
  overrides: SampleOverrides,
  secretOf: (name: SecretName) => string,
  now: Date = new Date(),
): SignedWebhook => {
  const sample: SampleWebhook = SAMPLE_WEBHOOKS[name];
  const body = sample.body(overrides, now);
  const secretName = SECRET_OF[sample.platform];
  const secret = secretOf(secretName);
  const headers = ((): Record<string, string> => {
    switch (sample.platform) {
      case 'tiktok':
        return {
          'content-type': 'application/json',
          [TIKTOK_SIGNATURE_HEADER]: signTikTok(secret, unixSeconds(now), body),
        };
      case 'youtube':
        return {
          'content-type': 'application/atom+xml',
          [YOUTUBE_SIGNATURE_HEADER]: signYouTube(secret, body),
        };
      case 'contra': {
        const webhookId = `msg_${randomUUID().replaceAll('-', '')}`;
        return {
          'content-type': 'application/json',
          'webhook-id': webhookId,
          'webhook-timestamp': String(unixSeconds(now)),
          'webhook-signature': signContra(secret, webhookId, unixSeconds(now), body),
        };
      }
    }
  })();
  return {
    name,
    platformEvent: sample.platformEvent,
    path: `/webhooks/${sample.platform}`,
    headers,
    body,
    secretName,
  };
};
