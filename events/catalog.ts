import * as z from 'zod';
import {
  accountRef,
  applicationStatus,
  httpsUrl,
  id,
  notifyUrl,
  platform,
  portfolioUrl,
  statusNote,
  text,
  timestamp,
  version,
  videoRef,
} from './fields.ts';

/**
 * The canonical events of CONTRACT §2, each defined once: detail-type, who may emit it, the schema of its
 * detail (zod, from which the TypeScript type and the JSON Schema are derived) and its sample file.
 * Handlers parse with these schemas, the CDK rules are built from these detail-types, and the local bus,
 * the CLI and the docs read the same definitions.
 */

export const ORIGINS = ['tiktok', 'youtube', 'contra', 'api', 'links', 'notify'] as const;
export type Origin = (typeof ORIGINS)[number];
export const SOURCE_PREFIX = 'reelhire.';
export const sourceOf = (origin: Origin): string => `${SOURCE_PREFIX}${origin}`;

export const VideoPosted = z.object({
  platform,
  videoId: id,
  accountId: id,
  postedAt: timestamp,
  url: httpsUrl.optional(),
  caption: text(2200).optional(),
  durationSeconds: z.number().nonnegative().max(86_400).optional(),
});

export const VideoRemoved = z.object({
  platform,
  videoId: id,
  reason: z.enum(['moderation', 'creator', 'unavailable', 'unknown']),
  removedAt: timestamp,
});

export const AccountDisconnected = z.object({
  platform,
  accountId: id,
  reason: text(256),
  disconnectedAt: timestamp,
});

export const ProfileUpdated = z.object({
  profileId: id,
  version,
  handle: text(128),
  displayName: text(256),
  portfolioUrl,
  showPortfolioLink: z.boolean(),
  linkedAccounts: z.array(accountRef).max(100),
  updatedAt: timestamp,
});

export const ProfileDeleted = z.object({
  profileId: id,
  version,
  deletedAt: timestamp,
});

export const JobPublished = z.object({
  jobId: id,
  version,
  employerId: id,
  title: text(256),
  notifyUrl,
  videos: z.array(videoRef).max(500),
  publishedAt: timestamp,
  closesAt: timestamp.optional(),
});

export const JobClosed = z.object({
  jobId: id,
  version,
  closedAt: timestamp,
});

export const ApplicationSubmitted = z.object({
  applicationId: id,
  jobId: id,
  profileId: id,
  submittedAt: timestamp,
  via: videoRef.optional(),
});

export const LinkChanged = z
  .object({
    platform,
    videoId: id,
    kind: z.enum(['portfolio', 'apply']),
    state: z.enum(['active', 'inactive']),
    url: z.url().optional(),
    profileId: id.optional(),
    jobId: id.optional(),
  })
  .refine((link) => link.state === 'inactive' || link.url !== undefined, {
    message: 'an active link carries its url',
    path: ['url'],
  })
  .refine((link) => (link.kind === 'portfolio' ? link.profileId : link.jobId) !== undefined, {
    message: 'a portfolio link names its profileId, an apply link its jobId',
    path: ['kind'],
  });

/** Every status change after submission (CONTRACT §6); `closed` comes from reelhire.links. */
export const ApplicationStatusChanged = z.object({
  applicationId: id,
  jobId: id,
  profileId: id,
  employerId: id,
  status: applicationStatus,
  changedAt: timestamp,
  note: statusNote.optional(),
});

/** The applicant withdrew; published beside its Application Status Changed. */
export const ApplicationWithdrawn = z.object({
  applicationId: id,
  jobId: id,
  profileId: id,
  employerId: id,
  withdrawnAt: timestamp,
});

const notification = {
  applicationId: id,
  jobId: id,
  employerId: id,
  attempts: z.number().int().min(1),
};

export const ApplicationNotificationDelivered = z.object(notification);

export const ApplicationNotificationFailed = z.object({ ...notification, error: text(1024) });

/**
 * Internal: a change to an account's portfolio link that must be announced on every one of its videos.
 * The fan-out function pages through the account's videos (≤ 100 a page) and re-publishes this event with
 * the next cursor, so an account with 100,000 videos never loops in one invocation.
 */
export const LinkFanoutRequested = z.object({
  platform,
  accountId: id,
  /** The profile the account's link pointed to before the change, named by an inactive Link Changed. */
  previousProfileId: id.optional(),
  cursor: z.string().max(512).optional(),
  page: z.number().int().min(1).max(100_000).optional(),
});

/**
 * Internal: a YouTube channel's linked state may have changed (some live profile now lists it, or none does).
 * The subscription manager re-reads the channel's current state, so duplicates and reordering are harmless.
 */
export const ChannelSubscriptionWanted = z.object({
  channelId: id,
});

/**
 * Internal: a job closed (Job Closed, its `closesAt` passed, or an application arrived as it closed); every
 * application of the job that is not final becomes `closed`, one page (≤ 100) per event, the next page asked
 * for with the cursor. Closing re-reads each application, so duplicates and late pages change nothing.
 */
export const ApplicationsClosingRequested = z.object({
  jobId: id,
  cursor: z.string().max(1024).optional(),
  page: z.number().int().min(1).max(100_000).optional(),
});

export interface EventDefinition<Schema extends z.ZodType = z.ZodType> {
  /** The key used in code and as the sample's file name. */
  readonly name: string;
  readonly detailType: string;
  /** Origins allowed to emit it (its `source` is `reelhire.<origin>`). */
  readonly origins: readonly Origin[];
  readonly schema: Schema;
  /** Internal events are ReelHire's own plumbing, not part of the public contract. */
  readonly internal?: boolean;
}

const define = <Schema extends z.ZodType>(definition: EventDefinition<Schema>) => definition;

export const EVENTS = {
  videoPosted: define({
    name: 'video-posted',
    detailType: 'Video Posted',
    origins: ['tiktok', 'youtube', 'api'],
    schema: VideoPosted,
  }),
  videoRemoved: define({
    name: 'video-removed',
    detailType: 'Video Removed',
    origins: ['tiktok', 'youtube', 'api'],
    schema: VideoRemoved,
  }),
  accountDisconnected: define({
    name: 'account-disconnected',
    detailType: 'Account Disconnected',
    origins: ['tiktok', 'youtube', 'api'],
    schema: AccountDisconnected,
  }),
  profileUpdated: define({
    name: 'profile-updated',
    detailType: 'Profile Updated',
    origins: ['contra', 'api'],
    schema: ProfileUpdated,
  }),
  profileDeleted: define({
    name: 'profile-deleted',
    detailType: 'Profile Deleted',
    origins: ['contra', 'api'],
    schema: ProfileDeleted,
  }),
  jobPublished: define({
    name: 'job-published',
    detailType: 'Job Published',
    origins: ['contra', 'api'],
    schema: JobPublished,
  }),
  jobClosed: define({
    name: 'job-closed',
    detailType: 'Job Closed',
    origins: ['contra', 'api'],
    schema: JobClosed,
  }),
  applicationSubmitted: define({
    name: 'application-submitted',
    detailType: 'Application Submitted',
    origins: ['api'],
    schema: ApplicationSubmitted,
  }),
  linkChanged: define({
    name: 'link-changed',
    detailType: 'Link Changed',
    origins: ['links'],
    schema: LinkChanged,
  }),
  applicationNotificationDelivered: define({
    name: 'application-notification-delivered',
    detailType: 'Application Notification Delivered',
    origins: ['notify'],
    schema: ApplicationNotificationDelivered,
  }),
  applicationNotificationFailed: define({
    name: 'application-notification-failed',
    detailType: 'Application Notification Failed',
    origins: ['notify'],
    schema: ApplicationNotificationFailed,
  }),
  applicationStatusChanged: define({
    name: 'application-status-changed',
    detailType: 'Application Status Changed',
    origins: ['api', 'links'],
    schema: ApplicationStatusChanged,
  }),
  applicationWithdrawn: define({
    name: 'application-withdrawn',
    detailType: 'Application Withdrawn',
    origins: ['api'],
    schema: ApplicationWithdrawn,
  }),
  linkFanoutRequested: define({
    name: 'link-fanout-requested',
    detailType: 'Link Fanout Requested',
    origins: ['links'],
    schema: LinkFanoutRequested,
    internal: true,
  }),
  channelSubscriptionWanted: define({
    name: 'channel-subscription-wanted',
    detailType: 'Channel Subscription Wanted',
    origins: ['links'],
    schema: ChannelSubscriptionWanted,
    internal: true,
  }),
  applicationsClosingRequested: define({
    name: 'applications-closing-requested',
    detailType: 'Applications Closing Requested',
    origins: ['links', 'api'],
    schema: ApplicationsClosingRequested,
    internal: true,
  }),
} as const;

export type EventName = keyof typeof EVENTS;
export type DetailOf<Name extends EventName> = z.infer<(typeof EVENTS)[Name]['schema']>;

export type VideoPosted = z.infer<typeof VideoPosted>;
export type VideoRemoved = z.infer<typeof VideoRemoved>;
export type AccountDisconnected = z.infer<typeof AccountDisconnected>;
export type ProfileUpdated = z.infer<typeof ProfileUpdated>;
export type ProfileDeleted = z.infer<typeof ProfileDeleted>;
export type JobPublished = z.infer<typeof JobPublished>;
export type JobClosed = z.infer<typeof JobClosed>;
export type ApplicationSubmitted = z.infer<typeof ApplicationSubmitted>;
export type LinkChanged = z.infer<typeof LinkChanged>;
export type ApplicationNotificationDelivered = z.infer<typeof ApplicationNotificationDelivered>;
export type ApplicationNotificationFailed = z.infer<typeof ApplicationNotificationFailed>;
export type ApplicationStatusChanged = z.infer<typeof ApplicationStatusChanged>;
export type ApplicationWithdrawn = z.infer<typeof ApplicationWithdrawn>;
export type ApplicationsClosingRequested = z.infer<typeof ApplicationsClosingRequested>;
export type LinkFanoutRequested = z.infer<typeof LinkFanoutRequested>;
export type ChannelSubscriptionWanted = z.infer<typeof ChannelSubscriptionWanted>;

export const ALL_EVENTS: readonly EventDefinition[] = Object.values(EVENTS);

const nameByDetailType = new Map(
  (Object.keys(EVENTS) as EventName[]).map((name) => [EVENTS[name].detailType, name] as const),
);

/** The catalog's key of a detail-type (`Video Posted` → `videoPosted`), or undefined for one it does not define. */
export const eventNameOf = (detailType: string): EventName | undefined => nameByDetailType.get(detailType);

export const definitionOf = (detailType: string): EventDefinition | undefined => {
  const name = eventNameOf(detailType);
  return name === undefined ? undefined : EVENTS[name];
};
