import type { Platform } from '#events/fields.ts';

/**
 * Item keys of the single table (docs/data-model.md). Platforms never contain `#`, and every other id is the
 * last part of its key or stands alone in the sort key, so no two entities can share a key.
 */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export const videoKey = (platform: Platform, videoId: string): ItemKey => ({
  pk: `VIDEO#${platform}#${videoId}`,
  sk: 'VIDEO',
});

/** A job's claim on a video (its apply candidate), stored in the video's partition. */
export const applyCandidateKey = (platform: Platform, videoId: string, jobId: string): ItemKey => ({
  pk: `VIDEO#${platform}#${videoId}`,
  sk: `JOB#${jobId}`,
});

export const APPLY_CANDIDATE_PREFIX = 'JOB#';

export const accountKey = (platform: Platform, accountId: string): ItemKey => ({
  pk: `ACCOUNT#${platform}#${accountId}`,
  sk: 'ACCOUNT',
});

/** The partition of the videosByAccount index. */
export const accountIndexKey = (platform: Platform, accountId: string): string =>
  `ACCOUNT#${platform}#${accountId}`;

export const profileKey = (profileId: string): ItemKey => ({ pk: `PROFILE#${profileId}`, sk: 'PROFILE' });

export const jobKey = (jobId: string): ItemKey => ({ pk: `JOB#${jobId}`, sk: 'JOB' });

/** One application per profile and job, ever. */
export const applicationKey = (jobId: string, profileId: string): ItemKey => ({
  pk: `APPLICATION#${jobId}`,
  sk: `PROFILE#${profileId}`,
});

/** One employer notification per application: its body, url, attempts and outcome. */
export const notificationKey = (applicationId: string): ItemKey => ({
  pk: `NOTIFICATION#${applicationId}`,
  sk: 'NOTIFICATION',
});

/** A webhook delivery already accepted (idempotency key), remembered ≥ 72 h. */
export const deliveryKey = (origin: string, key: string): ItemKey => ({
  pk: `DELIVERY#${origin}#${key}`,
  sk: 'DELIVERY',
});

/** A YouTube channel's WebSub subscription state. */
export const channelKey = (channelId: string): ItemKey => ({ pk: `CHANNEL#${channelId}`, sk: 'CHANNEL' });
