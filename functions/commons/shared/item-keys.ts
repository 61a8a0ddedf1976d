import type { Platform } from '#events/fields.ts';

/**
 * Item keys of the single table (docs/data-model.md). Platforms never contain `#`, and every other id is the
 * last part of its key or stands alone in the sort key, so no two entities can share a key.
 */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** An entity alone in its partition: `<KIND>#<id parts>`, sort key `<KIND>`. */
const entityKey = (kind: string, ...ids: string[]): ItemKey => ({ pk: [kind, ...ids].join('#'), sk: kind });

export const videoKey = (platform: Platform, videoId: string): ItemKey =>
  entityKey('VIDEO', platform, videoId);

/** A job's claim on a video (its apply candidate), stored in the video's partition. */
export const applyCandidateKey = (platform: Platform, videoId: string, jobId: string): ItemKey => ({
  pk: `VIDEO#${platform}#${videoId}`,
  sk: `JOB#${jobId}`,
});

export const APPLY_CANDIDATE_PREFIX = 'JOB#';

export const accountKey = (platform: Platform, accountId: string): ItemKey =>
  entityKey('ACCOUNT', platform, accountId);

/** The partition of the videosByAccount index. */
export const accountIndexKey = (platform: Platform, accountId: string): string =>
  `ACCOUNT#${platform}#${accountId}`;

export const profileKey = (profileId: string): ItemKey => entityKey('PROFILE', profileId);

export const jobKey = (jobId: string): ItemKey => entityKey('JOB', jobId);

/**
 * A funnel key's tally through a final day (funnel/funnel-rollup.ts; `key` is `CREATOR#<profileId>` or
 * `JOB#<jobId>`): advanced by the funnel reads; a creator's seeded empty on its profile's first listing.
 */
export const funnelRollupKey = (key: string): ItemKey => entityKey('FUNNEL_ROLLUP', key);

/** What every funnel rollup key starts with: the creator funnel function may write these items and no other. */
export const FUNNEL_ROLLUP_PREFIX = 'FUNNEL_ROLLUP#';

/** One application per profile and job, ever; all of a job's applications are one partition. */
export const applicationKey = (jobId: string, profileId: string): ItemKey => ({
  pk: `APPLICATION#${jobId}`,
  sk: `PROFILE#${profileId}`,
});

export const APPLICATION_SORT_PREFIX = 'PROFILE#';

/** In the job's applications partition: the instant its applications started closing (Job Closed, expiry). */
export const jobClosingKey = (jobId: string): ItemKey => ({ pk: `APPLICATION#${jobId}`, sk: 'CLOSING' });

/** An application by its id: which job and profile it belongs to (written once, before the application). */
export const applicationIdKey = (applicationId: string): ItemKey =>
  entityKey('APPLICATION_ID', applicationId);

/** A profile's apply slots: the instants of its new applications in the last day (the apply limits). */
export const applySlotsKey = (profileId: string): ItemKey => entityKey('APPLY_SLOTS', profileId);

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

/** A deleted profile's erasure: when it started (written before its applications are read; kept for good). */
export const erasureKey = (profileId: string): ItemKey => entityKey('ERASURE', profileId);

/** One employer notification per application and kind (received, withdrawn…): its attempts and outcome. */
export const notificationKey = (applicationId: string, kind = 'notification'): ItemKey => ({
  pk: `NOTIFICATION#${applicationId}`,
  sk: kind.toUpperCase(),
});

/** An employer: its API key's generation and its signing secrets' generations. */
export const employerKey = (employerId: string): ItemKey => entityKey('EMPLOYER', employerId);

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
export const deliveryKey = (origin: string, key: string): ItemKey => entityKey('DELIVERY', origin, key);

/** A YouTube channel's WebSub subscription state. */
export const channelKey = (channelId: string): ItemKey => entityKey('CHANNEL', channelId);
