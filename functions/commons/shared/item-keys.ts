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

/** One application per profile and job, ever; all of a job's applications are one partition. */
export const applicationKey = (jobId: string, profileId: string): ItemKey => ({
  pk: `APPLICATION#${jobId}`,
  sk: `PROFILE#${profileId}`,
});

export const APPLICATION_SORT_PREFIX = 'PROFILE#';

/** In the job's applications partition: the instant its applications started closing (Job Closed, expiry). */
export const jobClosingKey = (jobId: string): ItemKey => ({ pk: `APPLICATION#${jobId}`, sk: 'CLOSING' });

/** An application by its id: which job and profile it belongs to (written once, before the application). */
export const applicationIdKey = (applicationId: string): ItemKey => ({
  pk: `APPLICATION_ID#${applicationId}`,
  sk: 'APPLICATION_ID',
});

/** A profile's apply slots: the instants of its new applications in the last day (the apply limits). */
export const applySlotsKey = (profileId: string): ItemKey => ({
  pk: `APPLY_SLOTS#${profileId}`,
  sk: 'APPLY_SLOTS',
});

/** A profile's applications, newest first: one small entry each, sorted by when it was submitted. */
export const applicantEntryKey = (
  profileId: string,
  submittedAtKey: string,
  applicationId: string,
): ItemKey => ({
  pk: applicantPartition(profileId),
  sk: `${submittedAtKey}#${applicationId}`,
});

export const applicantPartition = (profileId: string): string => `APPLICANT#${profileId}`;

/** One employer notification per application and kind (received, withdrawn…): its attempts and outcome. */
export const notificationKey = (applicationId: string, kind = 'notification'): ItemKey => ({
  pk: `NOTIFICATION#${applicationId}`,
  sk: kind.toUpperCase(),
});

/** An employer: its API key's generation and its signing secrets' generations. */
export const employerKey = (employerId: string): ItemKey => ({
  pk: `EMPLOYER#${employerId}`,
  sk: 'EMPLOYER',
});

/** The employer API limit's state (GCRA): the employer's theoretical arrival time. */
export const employerRateKey = (employerId: string): ItemKey => ({
  pk: `EMPLOYER#${employerId}`,
  sk: 'RATE',
});

/** The byEmployer index partitions of an employer's applications and of its deliveries. */
export const employerApplicationsPartition = (employerId: string): string =>
  `EMPLOYER#${employerId}#APPLICATIONS`;
export const employerDeliveriesPartition = (employerId: string): string =>
  `EMPLOYER#${employerId}#DELIVERIES`;

/** A webhook delivery already accepted (idempotency key), remembered ≥ 72 h. */
export const deliveryKey = (origin: string, key: string): ItemKey => ({
  pk: `DELIVERY#${origin}#${key}`,
  sk: 'DELIVERY',
});

/** A YouTube channel's WebSub subscription state. */
export const channelKey = (channelId: string): ItemKey => ({ pk: `CHANNEL#${channelId}`, sk: 'CHANNEL' });
