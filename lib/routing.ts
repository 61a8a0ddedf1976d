import { APPLICANT_API_ROUTES, CLOSING_EVENTS } from '#applications/routes.ts';
import { APPLICATIONS_API_ROUTES } from '#apply/routes.ts';
import { EMPLOYER_API_ROUTES } from '#employers/routes.ts';
import { EVENTS, type EventName } from '#events/catalog.ts';
import { CONTRA_EVENTS, LINKS_API_ROUTES, VIDEO_EVENTS } from '#links/routes.ts';
import {
  NOTIFICATION_DEAD_LETTER_QUEUE_VARIABLE,
  NOTIFICATION_EVENTS,
  NOTIFICATION_QUEUE_VARIABLE,
} from '#notify/routes.ts';
import type { SecretName } from '#shared/secret-names.ts';
import { WEBHOOK_ROUTES } from '#webhooks/routes.ts';

/**
 * The one routing definition: which functions exist, which detail-types reach which function through which
 * queue, which schedules and HTTP routes invoke them. The CDK stack builds every rule, queue, event source
 * mapping, schedule and API route from this; the local runtime reads the synthesized template, so local and
 * cloud cannot drift. What a function takes in is listed once, by its feature (`routes.ts` beside its handler):
 * the events of the link queues and the HTTP route keys come from there, and the handlers are typed by them.
 */

export interface FunctionSpec {
  /** Entry file, relative to the project root: one kebab-case file per function. */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Secrets it reads (an ARN in the cloud, the environment variable locally). */
  readonly secrets: readonly SecretName[];
  /** Table access it needs; least privilege is derived from this. */
  readonly table: 'read' | 'readWrite';
  /** Whether it publishes to the bus. */
  readonly publishes: boolean;
  /**
   * Queues of event routes it uses besides consuming its own: `send` (SendMessage on the route's queue),
   * `takeOutDeadLetters` (receive, delete and hide messages of the route's dead-letter queue). Each is given to
   * the function as `variable`. @default none
   */
  readonly queues?: readonly QueueUse[];
}

export interface QueueUse {
  /** The event route whose queue it is. */
  readonly route: string;
  readonly access: 'send' | 'takeOutDeadLetters';
  readonly variable: string;
}

/** The notifier's own queue (a notification that must wait is sent again, delayed) and its dead-letter queue. */
const NOTIFICATION_QUEUE: QueueUse = {
  route: 'ApplicationNotifications',
  access: 'send',
  variable: NOTIFICATION_QUEUE_VARIABLE,
};

export const FUNCTIONS = {
  videoEvents: {
    entry: 'functions/video-events.ts',
    description:
      'Video Posted / Video Removed / Account Disconnected → video and account records, Link Changed',
    memoryMb: 512,
    timeoutSeconds: 60,
    secrets: [],
    table: 'readWrite',
    publishes: true,
  },
  contraEvents: {
    entry: 'functions/contra-events.ts',
    description: 'Profile Updated / Deleted, Job Published / Closed → profile, account and job records',
    memoryMb: 512,
    timeoutSeconds: 60,
    secrets: [],
    table: 'readWrite',
    publishes: true,
  },
  linkFanout: {
    entry: 'functions/link-fanout.ts',
    description: "Announces an account's portfolio link change on its videos, one page of ≤ 100 at a time",
    memoryMb: 512,
    timeoutSeconds: 60,
    secrets: [],
    table: 'read',
    publishes: true,
  },
  jobExpiry: {
    entry: 'functions/job-expiry.ts',
    description: 'Every minute: announces the apply links of jobs whose closesAt has passed',
    memoryMb: 256,
    timeoutSeconds: 60,
    secrets: [],
    table: 'readWrite',
    publishes: true,
  },
  notifier: {
    entry: 'functions/notifier.ts',
    description:
      'Application Submitted / Withdrawn → signed application.received / .withdrawn POSTs to the employer, in order, with retries',
    memoryMb: 256,
    timeoutSeconds: 30,
    secrets: ['EMPLOYER_SIGNING_KEY'],
    // Writes each notification's record (url, first build, attempts, outcome): the employer's delivery log.
    table: 'readWrite',
    publishes: true,
    queues: [NOTIFICATION_QUEUE],
  },
  webhooks: {
    entry: 'functions/webhooks.ts',
    description: 'TikTok, YouTube (WebSub) and Contra webhooks → canonical events on the bus',
    memoryMb: 512,
    timeoutSeconds: 10,
    secrets: ['TIKTOK_CLIENT_SECRET', 'YOUTUBE_HUB_SECRET', 'CONTRA_WEBHOOK_SECRET'],
    table: 'readWrite',
    publishes: true,
  },
  youtubeSubscriptions: {
    entry: 'functions/youtube-subscriptions.ts',
    description:
      "Channel Subscription Wanted → a WebSub subscribe or unsubscribe request for the channel's feed",
    memoryMb: 256,
    timeoutSeconds: 30,
    secrets: ['YOUTUBE_HUB_SECRET'],
    table: 'readWrite',
    publishes: false,
  },
  websubRenewal: {
    entry: 'functions/websub-renewal.ts',
    description:
      'Every hour: hands YouTube channels whose WebSub lease ends within a day back for re-subscription',
    memoryMb: 256,
    timeoutSeconds: 120,
    secrets: [],
    table: 'read',
    publishes: true,
  },
  linksApi: {
    entry: 'functions/links-api.ts',
    description: 'GET /health, /links/{platform}/{videoId}[/portfolio]',
    memoryMb: 512,
    timeoutSeconds: 10,
    secrets: [],
    table: 'read',
    publishes: false,
  },
  applicationsApi: {
    entry: 'functions/applications-api.ts',
    description: 'GET /jobs/{jobId}/apply (the apply page) and POST /jobs/{jobId}/applications',
    memoryMb: 512,
    timeoutSeconds: 10,
    secrets: ['VIEWER_TOKEN_SECRET'],
    table: 'readWrite',
    publishes: true,
  },
  applicantApi: {
    entry: 'functions/applicant-api.ts',
    description: "The viewer's own applications: GET /applications[/{id}], POST /applications/{id}/withdraw",
    memoryMb: 512,
    timeoutSeconds: 10,
    secrets: ['VIEWER_TOKEN_SECRET'],
    table: 'readWrite',
    publishes: true,
  },
  employerApi: {
    entry: 'functions/employer-api.ts',
    description:
      'The employer API: applications (pull inbox), status changes, delivery log and retries, test event, rotations',
    memoryMb: 512,
    timeoutSeconds: 20,
    secrets: ['EMPLOYER_SIGNING_KEY'],
    table: 'readWrite',
    publishes: true,
    // A retry sends the notification's message again, taking it out of the dead-letter queue first.
    queues: [
      NOTIFICATION_QUEUE,
      {
        route: 'ApplicationNotifications',
        access: 'takeOutDeadLetters',
        variable: NOTIFICATION_DEAD_LETTER_QUEUE_VARIABLE,
      },
    ],
  },
  applicationClosings: {
    entry: 'functions/application-closings.ts',
    description:
      "Job Closed / Applications Closing Requested → the job's open applications closed, ≤ 100 a page",
    memoryMb: 256,
    timeoutSeconds: 60,
    secrets: [],
    table: 'readWrite',
    publishes: true,
  },
  applicationSweep: {
    entry: 'functions/application-sweep.ts',
    description:
      'Every minute: publishes application changes a failed request left pending; closes applications idle a year',
    memoryMb: 256,
    timeoutSeconds: 60,
    secrets: [],
    table: 'readWrite',
    publishes: true,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;

export interface QueueSettings {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** At least 6× the function timeout, as AWS recommends for SQS event sources. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the DLQ (the handler dead-letters with a reason on the last). */
  readonly maxReceiveCount: number;
}

export interface EventRoute {
  /** Construct id of the rule and its queue. */
  readonly id: string;
  readonly detailTypes: readonly string[];
  readonly function: FunctionName;
  readonly queue: QueueSettings;
}

const detailTypesOf = (names: readonly EventName[]): readonly string[] =>
  names.map((name) => EVENTS[name].detailType);

/** Rules match `source` prefix `reelhire.` and these detail-types (CONTRACT §2). */
export const EVENT_ROUTES: readonly EventRoute[] = [
  {
    id: 'VideoEvents',
    detailTypes: detailTypesOf(VIDEO_EVENTS),
    function: 'videoEvents',
    queue: { batchSize: 50, maxBatchingWindowSeconds: 1, visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
  },
  {
    id: 'ContraEvents',
    detailTypes: detailTypesOf(CONTRA_EVENTS),
    function: 'contraEvents',
    queue: { batchSize: 10, maxBatchingWindowSeconds: 0, visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
  },
  {
    id: 'LinkFanout',
    detailTypes: [EVENTS.linkFanoutRequested.detailType],
    function: 'linkFanout',
    queue: { batchSize: 1, maxBatchingWindowSeconds: 0, visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
  },
  {
    id: 'ApplicationNotifications',
    detailTypes: detailTypesOf(NOTIFICATION_EVENTS),
    function: 'notifier',
    // One message per attempt; the notifier sets each retry's delay with ChangeMessageVisibility.
    queue: { batchSize: 10, maxBatchingWindowSeconds: 0, visibilityTimeoutSeconds: 180, maxReceiveCount: 12 },
  },
  {
    id: 'ApplicationClosings',
    detailTypes: detailTypesOf(CLOSING_EVENTS),
    function: 'applicationClosings',
    // One page (≤ 100 applications) per message; a page that fails is retried whole (closing is idempotent).
    queue: { batchSize: 1, maxBatchingWindowSeconds: 0, visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
  },
  {
    id: 'YouTubeSubscriptions',
    detailTypes: [EVENTS.channelSubscriptionWanted.detailType],
    function: 'youtubeSubscriptions',
    // One message per attempt: a refused or unreachable hub is retried after growing delays the function
    // sets with ChangeMessageVisibility (websub/hub-retry.ts), about 4 h in all, then dead-lettered with
    // the hub's answer; the hourly renewal re-sends any subscribe the hub never verified.
    queue: { batchSize: 10, maxBatchingWindowSeconds: 0, visibilityTimeoutSeconds: 180, maxReceiveCount: 10 },
  },
];

/**
 * What platforms subscribe to from their own AWS accounts (CONTRACT §6): the bus policy lets the accounts of
 * REELHIRE_PLATFORM_ACCOUNT_IDS put rules for these detail-types, and nothing else.
 */
export const PLATFORM_SUBSCRIPTIONS: readonly string[] = detailTypesOf([
  'linkChanged',
  'applicationStatusChanged',
]);

export interface ScheduleRoute {
  readonly id: string;
  readonly function: FunctionName;
  /** An EventBridge schedule expression: `rate(…)` or `cron(…)`. */
  readonly expression: string;
}

export const SCHEDULES: readonly ScheduleRoute[] = [
  { id: 'JobExpirySchedule', function: 'jobExpiry', expression: 'rate(1 minute)' },
  { id: 'WebSubRenewalSchedule', function: 'websubRenewal', expression: 'rate(1 hour)' },
  { id: 'ApplicationSweepSchedule', function: 'applicationSweep', expression: 'rate(1 minute)' },
];

export interface HttpRoute {
  /** API Gateway HTTP API route key. */
  readonly routeKey: string;
  readonly function: FunctionName;
}

const servedBy = (name: FunctionName, routeKeys: readonly string[]): HttpRoute[] =>
  routeKeys.map((routeKey) => ({ routeKey, function: name }));

export const HTTP_ROUTES: readonly HttpRoute[] = [
  ...servedBy('linksApi', LINKS_API_ROUTES),
  ...servedBy('applicationsApi', APPLICATIONS_API_ROUTES),
  ...servedBy('applicantApi', APPLICANT_API_ROUTES),
  ...servedBy('employerApi', EMPLOYER_API_ROUTES),
  ...servedBy('webhooks', WEBHOOK_ROUTES),
];
