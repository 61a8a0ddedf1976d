import * as z from 'zod';
import { EVENTS } from '#events/catalog.ts';
import { type ApplicationStatus, httpsUrl, id, timestamp, type VideoRef, videoRef } from '#events/fields.ts';

/**
 * The notifications an employer receives about an application (CONTRACT §4 "Notifications out", §6), as pure
 * functions: each kind's webhook-id, its body built from the application record (at every attempt, so an
 * erasure reaches notifications still pending, #15), and the order an employer receives them in. The bodies
 * are zod schemas: `GET /openapi.json` describes them (outgoing-webhooks.ts).
 */

/** The application as the notifier reads it (applications/application.ts stores it). */
export interface NotifiedApplication {
  readonly applicationId: string;
  readonly jobId: string;
  readonly employerId: string;
  readonly jobTitle: string;
  /** The job's notifyUrl when the application was received: every notification of it goes there. */
  readonly notifyUrl: string;
  readonly applicant: {
    readonly profileId: string;
    readonly handle: string;
    readonly displayName: string;
    readonly portfolioUrl: string;
  };
  readonly via?: VideoRef;
  readonly submittedAt: string;
  readonly history: readonly { readonly status: ApplicationStatus; readonly at: string }[];
}

/** When the notification was first built: the same on every retry. */
const builtAt = timestamp.describe('when the notification was first built: the same on every retry');

/** The body POSTed to the employer for a new application (CONTRACT §4 "Notifications out"). */
export const ApplicationReceived = z.object({
  type: z.literal('application.received'),
  timestamp: builtAt,
  data: z.object({
    applicationId: id,
    jobId: id,
    employerId: id,
    jobTitle: z.string(),
    applicant: z.object({
      profileId: id,
      handle: z.string(),
      displayName: z.string(),
      portfolioUrl: httpsUrl,
    }),
    via: videoRef.nullable().describe('the video the viewer applied from, or null'),
    submittedAt: timestamp,
  }),
});
export type ApplicationReceived = z.infer<typeof ApplicationReceived>;

/** The body POSTed to the employer when the applicant withdraws (CONTRACT §6). */
export const ApplicationWithdrawnNotification = z.object({
  type: z.literal('application.withdrawn'),
  timestamp: builtAt,
  data: z.object({ applicationId: id, jobId: id, employerId: id, withdrawnAt: timestamp }),
});
export type ApplicationWithdrawnNotification = z.infer<typeof ApplicationWithdrawnNotification>;

/** The body `POST /employer/test` sends to the url it is given (CONTRACT §6). */
export const EndpointTest = z.object({
  type: z.literal('endpoint.test'),
  timestamp,
  data: z.object({ employerId: id }),
});
export type EndpointTest = z.infer<typeof EndpointTest>;

/** The kinds, in the order an employer receives them: a later kind waits while an earlier one is pending. */
export const NOTIFICATION_KINDS = ['received', 'withdrawn'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The events that ask for a notification. */
export type TriggerEvent = 'applicationSubmitted' | 'applicationWithdrawn';

interface KindDefinition {
  /** The event that asks for it. */
  readonly trigger: TriggerEvent;
  readonly type: string;
  /** Appended to the applicationId to make the webhook-id (the same on every retry). */
  readonly webhookSuffix: string;
  /** Whether the application asks for this kind at all (an earlier kind that is not asked for is not waited for). */
  readonly askedFor: (application: NotifiedApplication) => boolean;
  /** The body, or undefined when the application does not (yet) say what it needs. */
  readonly body: (application: NotifiedApplication, timestamp: string) => object | undefined;
  /** Whether its outcome is published as Application Notification Delivered / Failed (CONTRACT §2). */
  readonly announcesOutcome: boolean;
}

const withdrawnAt = (application: NotifiedApplication): string | undefined =>
  application.history.find((entry) => entry.status === 'withdrawn')?.at;

const KINDS: Readonly<Record<NotificationKind, KindDefinition>> = {
  received: {
    trigger: 'applicationSubmitted',
    type: 'application.received',
    webhookSuffix: '',
    askedFor: () => true,
    body: (application, timestamp): ApplicationReceived => ({
      type: 'application.received',
      timestamp,
      data: {
        applicationId: application.applicationId,
        jobId: application.jobId,
        employerId: application.employerId,
        jobTitle: application.jobTitle,
        applicant: {
          profileId: application.applicant.profileId,
          handle: application.applicant.handle,
          displayName: application.applicant.displayName,
          portfolioUrl: application.applicant.portfolioUrl,
        },
        via: application.via
          ? { platform: application.via.platform, videoId: application.via.videoId }
          : null,
        submittedAt: application.submittedAt,
      },
    }),
    announcesOutcome: true,
  },
  withdrawn: {
    trigger: 'applicationWithdrawn',
    type: 'application.withdrawn',
    webhookSuffix: '.withdrawn',
    askedFor: (application) => withdrawnAt(application) !== undefined,
    body: (application, timestamp): ApplicationWithdrawnNotification | undefined => {
      const at = withdrawnAt(application);
      return at === undefined
        ? undefined
        : {
            type: 'application.withdrawn',
            timestamp,
            data: {
              applicationId: application.applicationId,
              jobId: application.jobId,
              employerId: application.employerId,
              withdrawnAt: at,
            },
          };
    },
    announcesOutcome: false,
  },
};

export const kindDefinition = (kind: NotificationKind): KindDefinition => KINDS[kind];

/** The kind an event asks for, by its detail-type. */
export const kindOfTrigger = (detailType: string): NotificationKind | undefined =>
  NOTIFICATION_KINDS.find((kind) => EVENTS[KINDS[kind].trigger].detailType === detailType);

export const webhookIdOf = (applicationId: string, kind: NotificationKind): string =>
  `${applicationId}${KINDS[kind].webhookSuffix}`;

/** The application and kind a webhook-id names (the longest suffix first: received has none). */
export const parseWebhookId = (
  webhookId: string,
): { readonly applicationId: string; readonly kind: NotificationKind } | undefined => {
  const kind = [...NOTIFICATION_KINDS]
    .sort((a, b) => KINDS[b].webhookSuffix.length - KINDS[a].webhookSuffix.length)
    .find((candidate) => webhookId.endsWith(KINDS[candidate].webhookSuffix));
  if (kind === undefined) return undefined;
  const applicationId = webhookId.slice(0, webhookId.length - KINDS[kind].webhookSuffix.length);
  return applicationId === '' ? undefined : { applicationId, kind };
};

/** The kinds an employer must have received (or given up on) before this one. */
export const earlierKinds = (kind: NotificationKind): readonly NotificationKind[] =>
  NOTIFICATION_KINDS.slice(0, NOTIFICATION_KINDS.indexOf(kind));

export const endpointTest = (employerId: string, timestamp: string): EndpointTest => ({
  type: 'endpoint.test',
  timestamp,
  data: { employerId },
});
