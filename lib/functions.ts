import { NOTIFICATION_DEAD_LETTER_QUEUE_VARIABLE, NOTIFICATION_QUEUE_VARIABLE } from '#notify/routes.ts';
import type { StoredSecretName } from '#shared/secret-names.ts';
import type { TableAccess } from './constructs/table-access.ts';

/**
 * The functions that exist and what each may do: its entry, size, the secrets, table, bus and queues it is
 * granted (least privilege is derived from this) and the concurrency it reserves. What reaches each function
 * (events, schedules, HTTP routes) is lib/routing.ts.
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
  readonly table: 'none' | TableAccess;
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

/**
 * A function on a one-minute schedule that works through what is due: one at a time (a second would only
 * contend for the same items), a minute to run.
 */
const SCHEDULED_SWEEP = {
  memoryMb: 256,
  timeoutSeconds: 60,
  secrets: [],
  table: 'readWrite',
  publishes: true,
  reservedConcurrency: 1,
} as const;

/** A route function acting for a viewer (their token verified) that writes applications and publishes their changes. */
const VIEWER_WRITES = {
  memoryMb: 512,
  timeoutSeconds: 10,
  secrets: [],
  verifiesViewerTokens: true,
  table: 'readWrite',
  publishes: true,
} as const;

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
    ...SCHEDULED_SWEEP,
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
    reservedConcurrency: 50,
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
    ...VIEWER_WRITES,
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
    // Keeps each creator's rollup of final days, so that a read counts a few days of the log, not all of it.
    table: 'funnelRollups',
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
  applicantApi: {
    entry: 'functions/applicant-api.ts',
    description: "The viewer's own applications: GET /applications[/{id}], POST /applications/{id}/withdraw",
    ...VIEWER_WRITES,
    reservedConcurrency: 20,
  },
  employerApi: {
    entry: 'functions/employer-api.ts',
    description:
      'The employer API: applications (pull inbox), status changes, delivery log and retries, test event, rotations, job funnels',
    memoryMb: 512,
    timeoutSeconds: 20,
    secrets: ['EMPLOYER_SIGNING_KEY'],
    table: 'readWrite',
    publishes: true,
    // Hires go to the funnel log; a job's funnel is counted over it.
    recordsFunnel: true,
    queriesFunnel: true,
    reservedConcurrency: 20,
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
      "Job Closed / Applications Closing Requested → the job's open applications closed; Profile Deleted / Applications Erasure Requested → the profile's applications erased; ≤ 100 a page",
    memoryMb: 256,
    timeoutSeconds: 60,
    secrets: [],
    table: 'readWrite',
    publishes: true,
    reservedConcurrency: 5,
  },
  applicationSweep: {
    entry: 'functions/application-sweep.ts',
    description:
      'Every minute: publishes application changes a failed request left pending; closes applications idle a year; shrinks those final a year to ids and status',
    ...SCHEDULED_SWEEP,
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
