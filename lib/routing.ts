import { API_DOCS_ROUTES } from '#api-docs/routes.ts';
import { APPLICATIONS_API_ROUTES } from '#apply/routes.ts';
import { EVENTS, type EventName } from '#events/catalog.ts';
import { FUNNEL_API_ROUTES } from '#funnel/routes.ts';
import { CONTRA_EVENTS, LINKS_API_ROUTES, VIDEO_EVENTS } from '#links/routes.ts';
import type { StoredSecretName } from '#shared/secret-names.ts';
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
  /** Secrets Manager secrets it reads: it is given each one's name and may read exactly those. */
  readonly secrets: readonly StoredSecretName[];
  /** Whether it verifies viewer tokens: with Contra's JWKS in the cloud (VIEWER_JWKS_URL). @default false */
  readonly verifiesViewerTokens?: boolean;
  /** Table access it needs; least privilege is derived from this (`none`: not even the table's name). */
  readonly table: 'none' | 'read' | 'readWrite';
  /** Whether it publishes to the bus. */
  readonly publishes: boolean;
  /** Whether it writes the funnel log (taps, page views: PutRecord on its delivery stream). @default false */
  readonly recordsFunnel?: boolean;
  /** Whether it counts the funnel log (Athena queries in its workgroup over the log's table). @default false */
  readonly queriesFunnel?: boolean;
  /**
   * ReservedConcurrentExecutions: what the capacity plan (docs/capacity.md) gives it at peak, reserved so that
   * no other function can starve it and it cannot starve the others.
   */
  readonly reservedConcurrency: number;
}

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
    reservedConcurrency: 20,
  },
  contraEvents: {
    entry: 'functions/contra-events.ts',
    description: 'Profile Updated / Deleted, Job Published / Closed → profile, account and job records',
    memoryMb: 512,
    timeoutSeconds: 60,
    secrets: [],
    table: 'readWrite',
    publishes: true,
    reservedConcurrency: 5,
  },
  linkFanout: {
    entry: 'functions/link-fanout.ts',
    description: "Announces an account's portfolio link change on its videos, one page of ≤ 100 at a time",
    memoryMb: 512,
    timeoutSeconds: 60,
    secrets: [],
    table: 'read',
    publishes: true,
    reservedConcurrency: 10,
  },
  jobExpiry: {
    entry: 'functions/job-expiry.ts',
    description: 'Every minute: announces the apply links of jobs whose closesAt has passed',
    memoryMb: 256,
    timeoutSeconds: 60,
    secrets: [],
    table: 'readWrite',
    publishes: true,
    reservedConcurrency: 1,
  },
  notifier: {
    entry: 'functions/notifier.ts',
    description: 'Application Submitted → signed application.received POST to the employer, with retries',
    memoryMb: 256,
    timeoutSeconds: 30,
    secrets: ['EMPLOYER_SIGNING_KEY'],
    // Writes the notification it builds once (body, notifyUrl) and its attempts and outcome.
    table: 'readWrite',
    publishes: true,
    reservedConcurrency: 50,
  },
  webhooks: {
    entry: 'functions/webhooks.ts',
    description: 'TikTok, YouTube (WebSub) and Contra webhooks → canonical events on the bus',
    memoryMb: 512,
    timeoutSeconds: 10,
    secrets: ['TIKTOK_CLIENT_SECRET', 'YOUTUBE_HUB_SECRET', 'CONTRA_WEBHOOK_SECRET'],
    table: 'readWrite',
    publishes: true,
    reservedConcurrency: 300,
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
    reservedConcurrency: 2,
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
    reservedConcurrency: 1,
  },
  linksApi: {
    entry: 'functions/links-api.ts',
    description: 'GET /health, /links/{platform}/{videoId}[/portfolio|/apply] (the taps)',
    memoryMb: 512,
    timeoutSeconds: 10,
    secrets: [],
    table: 'read',
    publishes: false,
    recordsFunnel: true,
    reservedConcurrency: 100,
  },
  applicationsApi: {
    entry: 'functions/applications-api.ts',
    description: 'GET /jobs/{jobId}/apply (the apply page) and POST /jobs/{jobId}/applications',
    memoryMb: 512,
    timeoutSeconds: 10,
    secrets: [],
    verifiesViewerTokens: true,
    table: 'readWrite',
    publishes: true,
    recordsFunnel: true,
    reservedConcurrency: 50,
  },
  funnelApi: {
    entry: 'functions/funnel-api.ts',
    description: 'GET /profiles/me/funnel: counts over the funnel log (Athena; DuckDB locally)',
    memoryMb: 256,
    // Waits on its Athena query: API Gateway gives up at 30 s.
    timeoutSeconds: 29,
    secrets: [],
    verifiesViewerTokens: true,
    table: 'none',
    publishes: false,
    queriesFunnel: true,
    // A creator's dashboard reads, each holding its environment 1–3 s on Athena; Athena runs ~150 at once per account.
    reservedConcurrency: 20,
  },
  apiDocs: {
    entry: 'functions/api-docs.ts',
    description: 'GET /openapi.json, generated from the routes’ own schemas',
    memoryMb: 256,
    timeoutSeconds: 10,
    secrets: [],
    table: 'none',
    publishes: false,
    // The CDN answers nearly every request: each edge asks at most once per PUBLIC_READ_MAX_AGE_SECONDS.
    reservedConcurrency: 5,
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
    detailTypes: [EVENTS.applicationSubmitted.detailType],
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
];

export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * API Gateway route throttles (token buckets: `rateLimit` requests/s refilled, `burstLimit` the bucket), one
 * class per kind of caller; numbers justified in docs/capacity.md ("Front door"). Route throttles are caps, not
 * reservations: every route draws on the account's one regional quota, so the caps of everything that is not a
 * webhook stay low enough that the webhooks' planned peak still fits beside them (test/cdk/throttles.test.ts).
 */
export const THROTTLE_CLASSES = {
  /** The platforms' deliveries, at the capacity plan: 10,500 Video Posted/s at peak plus ~100 removals/s. */
  webhooks: { rateLimit: 10_600, burstLimit: 5_000 },
  /** Public reads (`GET /links/{p}/{v}`, `/openapi.json`, `/health`): mostly answered by the CDN. */
  publicReads: { rateLimit: 1_000, burstLimit: 500 },
  /** What a viewer's browser calls: the redirects, the apply page, applications, the applicant API. */
  viewer: { rateLimit: 500, burstLimit: 250 },
  /** The employer API: a ceiling over every employer; each one's own 10/s (CONTRACT §7) is the function's. */
  employer: { rateLimit: 100, burstLimit: 50 },
} as const satisfies Record<string, RouteThrottle>;

export type ThrottleClass = keyof typeof THROTTLE_CLASSES;

/**
 * The stage's default route throttle, for a route that has no setting of its own (none should): the
 * tightest class, so that a route added outside this file cannot take more than the least of them.
 */
export const DEFAULT_ROUTE_THROTTLE: RouteThrottle = THROTTLE_CLASSES.employer;

/**
 * The account's API Gateway quota in the region (AWS default 10,000 requests/s, burst 5,000) that
 * docs/deploy.md asks to have raised to this before a prod deploy.
 */
export const REQUESTED_ACCOUNT_QUOTA: RouteThrottle = { rateLimit: 20_000, burstLimit: 10_000 };

export interface HttpRoute {
  /** API Gateway HTTP API route key. */
  readonly routeKey: string;
  readonly function: FunctionName;
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
  ...servedBy('funnelApi', FUNNEL_API_ROUTES, 'viewer'),
  ...servedBy('webhooks', WEBHOOK_ROUTES, 'webhooks'),
  ...servedBy('apiDocs', API_DOCS_ROUTES, 'publicReads'),
];

/**
 * The public reads the CDN caches: GET only, keyed on the path alone, for PUBLIC_READ_MAX_AGE_SECONDS; each
 * answers `cache-control: public, max-age=…` on its 200 and `no-store` otherwise. Every other route passes
 * through uncached with every viewer header but Host, its query string and its body (the funnel's counted
 * routes, the webhooks, the authenticated APIs). `/openapi.json` has its behaviour whether or not the route
 * exists yet.
 */
export const CDN_CACHED_ROUTES: readonly string[] = ['GET /links/{platform}/{videoId}', 'GET /openapi.json'];

/**
 * WAF's per-IP rate rule at the CDN, on what a viewer's browser calls (the `viewer` throttle class: the
 * redirects, the apply page, applications, the applicant API) and never on the platforms' server reads of
 * `/links/{p}/{v}` or the webhooks, whose callers share a few addresses. Requests counted over the window,
 * per client IP: a person taps, loads and applies a few times a minute; a carrier NAT puts many people behind
 * one address, hence the margin. WAF counts no faster than a minute (DESIGN: the employer limit is not here).
 */
export const VIEWER_RATE_LIMIT = { requests: 300, windowSeconds: 60 } as const;
