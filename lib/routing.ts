import { API_DOCS_ROUTES } from '#api-docs/routes.ts';
import { APPLICANT_API_ROUTES, CLOSING_EVENTS } from '#applications/routes.ts';
import { APPLICATIONS_API_ROUTES } from '#apply/routes.ts';
import { EMPLOYER_API_ROUTES } from '#employers/routes.ts';
import { EVENTS, type EventName } from '#events/catalog.ts';
import { FUNNEL_API_ROUTES } from '#funnel/routes.ts';
import { CONTRA_EVENTS, LINKS_API_ROUTES, VIDEO_EVENTS } from '#links/routes.ts';
import { NOTIFICATION_EVENTS } from '#notify/routes.ts';
import { WEBHOOK_ROUTES } from '#webhooks/routes.ts';
import type { ThrottleClass } from './front-door.ts';
import type { FunctionName } from './functions.ts';

/**
 * The one routing definition: which detail-types reach which function (lib/functions.ts) through which queue,
 * which schedules and HTTP routes invoke them. The CDK stack builds every rule, queue, event source mapping,
 * schedule and API route from this; the local runtime reads the synthesized template, so local and cloud cannot
 * drift. What a function takes in is listed once, by its feature (`routes.ts` beside its handler): the events of
 * the link queues and the HTTP route keys come from there, and the handlers are typed by them.
 */

export interface QueueSettings {
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** At least 6× the function timeout, as AWS recommends for SQS event sources. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the DLQ (the handler dead-letters with a reason on the last). */
  readonly maxReceiveCount: number;
  /**
   * The event source mapping's ScalingConfig.MaximumConcurrency (2 to 1,000): concurrent batches at most, never
   * more than the function's reserved concurrency (more would be throttled and come back with a receive
   * counted against maxReceiveCount).
   */
  readonly maximumConcurrency: number;
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
    queue: {
      batchSize: 50,
      maxBatchingWindowSeconds: 1,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
      maximumConcurrency: 20,
    },
  },
  {
    id: 'ContraEvents',
    detailTypes: detailTypesOf(CONTRA_EVENTS),
    function: 'contraEvents',
    queue: {
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
      maximumConcurrency: 5,
    },
  },
  {
    id: 'LinkFanout',
    detailTypes: [EVENTS.linkFanoutRequested.detailType],
    function: 'linkFanout',
    queue: {
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
      maximumConcurrency: 10,
    },
  },
  {
    id: 'ApplicationNotifications',
    detailTypes: detailTypesOf(NOTIFICATION_EVENTS),
    function: 'notifier',
    // One message per attempt; the notifier sets each retry's delay with ChangeMessageVisibility.
    queue: {
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 12,
      maximumConcurrency: 50,
    },
  },
  {
    id: 'ApplicationClosings',
    detailTypes: detailTypesOf(CLOSING_EVENTS),
    function: 'applicationClosings',
    // One page (≤ 100 applications) per message; a page that fails is retried whole (closing is idempotent).
    queue: {
      batchSize: 1,
      maxBatchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 360,
      maxReceiveCount: 5,
      maximumConcurrency: 5,
    },
  },
  {
    id: 'YouTubeSubscriptions',
    detailTypes: [EVENTS.channelSubscriptionWanted.detailType],
    function: 'youtubeSubscriptions',
    // One message per attempt: a refused or unreachable hub is retried after growing delays the function
    // sets with ChangeMessageVisibility (websub/hub-retry.ts), about 4 h in all, then dead-lettered with
    // the hub's answer; the hourly renewal re-sends any subscribe the hub never verified.
    queue: {
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      visibilityTimeoutSeconds: 180,
      maxReceiveCount: 10,
      maximumConcurrency: 2,
    },
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
  /**
   * The function's EventInvokeConfig: Lambda's retries after a failed run (0 to 2) and how old a run may get
   * before it is given up on (60 s to 6 h), instead of Lambda's defaults (2 retries, 6 h), which would still
   * retry a run long after later runs did its work. A run given up on goes to the schedule's dead-letter queue.
   */
  readonly retryAttempts: number;
  readonly maxEventAgeSeconds: number;
}

export const SCHEDULES: readonly ScheduleRoute[] = [
  // Every minute: one retry, then the next runs do the same work.
  {
    id: 'JobExpirySchedule',
    function: 'jobExpiry',
    expression: 'rate(1 minute)',
    retryAttempts: 1,
    maxEventAgeSeconds: 120,
  },
  // Hourly, for leases renewed a day ahead: two retries within the hour.
  {
    id: 'WebSubRenewalSchedule',
    function: 'websubRenewal',
    expression: 'rate(1 hour)',
    retryAttempts: 2,
    maxEventAgeSeconds: 3600,
  },
  // Every minute, like the job expiry: the next runs republish and close what a failed one left.
  {
    id: 'ApplicationSweepSchedule',
    function: 'applicationSweep',
    expression: 'rate(1 minute)',
    retryAttempts: 1,
    maxEventAgeSeconds: 120,
  },
];

export interface HttpRoute {
  /** API Gateway HTTP API route key. */
  readonly routeKey: string;
  readonly function: FunctionName;
  /** Its route throttle (lib/front-door.ts). */
  readonly throttle: ThrottleClass;
}

/** A function's routes, each with its throttle class: one class for all, or one per route key. */
const servedBy = <RouteKey extends string>(
  name: FunctionName,
  routeKeys: readonly RouteKey[],
  throttle: ThrottleClass | Readonly<Record<RouteKey, ThrottleClass>>,
): HttpRoute[] =>
  routeKeys.map((routeKey) => ({
    routeKey,
    function: name,
    throttle: typeof throttle === 'string' ? throttle : throttle[routeKey],
  }));

export const HTTP_ROUTES: readonly HttpRoute[] = [
  ...servedBy('linksApi', LINKS_API_ROUTES, {
    'GET /health': 'publicReads',
    'GET /links/{platform}/{videoId}': 'publicReads',
    'GET /links/{platform}/{videoId}/portfolio': 'viewer',
    'GET /links/{platform}/{videoId}/apply': 'viewer',
  }),
  ...servedBy('applicationsApi', APPLICATIONS_API_ROUTES, 'viewer'),
  ...servedBy('applicantApi', APPLICANT_API_ROUTES, 'viewer'),
  ...servedBy('employerApi', EMPLOYER_API_ROUTES, 'employer'),
  ...servedBy('funnelApi', FUNNEL_API_ROUTES, 'viewer'),
  ...servedBy('webhooks', WEBHOOK_ROUTES, 'webhooks'),
  ...servedBy('apiDocs', API_DOCS_ROUTES, 'publicReads'),
];
