import * as z from 'zod';
import { applicationStatus, id, platform, statusNote, timestamp } from '#events/fields.ts';
import { EmployerApplication } from '#shared/application-views.ts';
import {
  bodyProblems,
  countBody,
  type Operations,
  routeKeysOf,
  tooManyRequests,
} from '#shared/http-operations.ts';
import { PageQuery, pageAnswer } from '#shared/pagination.ts';
import { EMPLOYER_RATE } from './employer-rate.ts';

/**
 * The employer API's routes (CONTRACT §6), listed once with what they take and answer: lib/routing.ts routes
 * them, the handler is typed by them and validates and answers with these schemas, `GET /openapi.json`
 * describes them.
 */

/** `POST /employer/applications/{applicationId}/status`: any status is well-formed; who may set which is the rules'. */
export const StatusChangeBody = z.object({
  status: applicationStatus.describe(
    'reviewing, interviewing, offered, hired or rejected; the current status, whatever it is, answers 200 and changes nothing',
  ),
  note: statusNote.optional().describe('kept in the history and carried by Application Status Changed'),
});

/** `POST /employer/test`: where to send the test event. */
export const EndpointTestBody = z.object({
  url: z
    .string()
    .refine((value) => URL.canParse(value), 'must be a url')
    .describe('https, and not a private, loopback, link-local or metadata address (SSRF rules)'),
});

/** What one send of a notification (or the test event) came to. */
const AttemptOutcome = z.object({
  statusCode: z.number().int().optional().describe('the endpoint’s answer, when it answered'),
  error: z.string().optional().describe('why it did not count as delivered'),
  durationMs: z.number(),
});

export const EndpointTestResult = AttemptOutcome.extend({ delivered: z.boolean() });

/** One notification of the delivery log, its attempts oldest first. */
export const Delivery = z.object({
  webhookId: z.string().describe('the notification’s webhook-id'),
  type: z.string().describe('the notification’s type: application.received, application.withdrawn'),
  applicationId: id,
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(AttemptOutcome.extend({ at: timestamp })),
});

export const RetryAccepted = z.object({ webhookId: z.string(), state: z.literal('pending') });
export const SecretRotated = z.object({ secret: z.string().regex(/^whsec_/) });
export const KeyRotated = z.object({ key: z.string() });

const ApplicationPath = z.object({ applicationId: id });

/** A job's counts (CONTRACT §8), per video and in all: the same four steps. */
const JobCounts = z.object({
  applyTaps: countBody,
  applyPageViews: countBody,
  applications: countBody,
  hired: countBody,
});

/** `GET /employer/jobs/{jobId}/funnel` (CONTRACT §8): each video that brought any count, and the job's totals. */
export const JobFunnelBody = z.object({
  jobId: id,
  videos: z.array(z.object({ platform, videoId: id }).extend(JobCounts.shape)),
  totals: JobCounts.describe('everything of the job, with or without a via'),
});
export type JobFunnel = z.input<typeof JobFunnelBody>;

/** What every employer route may answer besides its own: the key first, then the store. */
const EMPLOYER_PROBLEMS = {
  401: 'a missing, wrong or rotated-away employer key',
  503: 'the store is unavailable; try again',
} as const;

/** The employer API limit (CONTRACT §7), after the key: every employer route may answer it. */
const EMPLOYER_LIMIT = tooManyRequests(
  `over the employer API limit (${EMPLOYER_RATE.perSecond} requests a second, burst ${EMPLOYER_RATE.burst}); Retry-After says when to try again`,
);

/** An employer route's problem+json answers: the key's, the store's and the limit's, and its own causes. */
const employerProblems = (causes: Readonly<Record<number, string>>) => ({
  ...bodyProblems({ ...EMPLOYER_PROBLEMS, ...causes }),
  ...EMPLOYER_LIMIT,
});

const NOT_YOURS = 'the employer has no application of that id (another employer’s too: never 403)';

const json = (schema: z.ZodType) => ({ 'application/json': schema });

export const EMPLOYER_API = {
  'GET /employer/applications': {
    tag: 'employer',
    summary: 'The employer’s applications, newest first: the pull inbox',
    description: 'An employer whose endpoint is down loses nothing: every application is here.',
    security: 'employerKey',
    query: PageQuery.extend({
      jobId: id.optional().describe('only this job’s'),
      status: applicationStatus.optional().describe('only those with this status'),
    }),
    responses: {
      200: pageAnswer('applications', EmployerApplication),
      ...employerProblems({ 400: 'a bad jobId, status, limit or cursor' }),
    },
  },
  'GET /employer/applications/{applicationId}': {
    tag: 'employer',
    summary: 'One application',
    security: 'employerKey',
    path: ApplicationPath,
    responses: {
      200: { description: 'the application', content: json(EmployerApplication) },
      ...employerProblems({ 404: NOT_YOURS }),
    },
  },
  'POST /employer/applications/{applicationId}/status': {
    tag: 'employer',
    summary: 'Sets the application’s status',
    description:
      'Checks in order: 401, 404, then the same status as the current one (final or not) answers 200 and publishes nothing; otherwise 422 for a status the employer may not set or a bad body, 409 when the application is final. A change publishes Application Status Changed.',
    security: 'employerKey',
    path: ApplicationPath,
    requestBody: { required: true, content: json(StatusChangeBody) },
    responses: {
      200: { description: 'the application, changed or as it was', content: json(EmployerApplication) },
      ...employerProblems({
        404: NOT_YOURS,
        409: 'the application is final: its status no longer changes',
        422: 'a status the employer may not set, a note over 1,000 characters, or a body that is not that object',
      }),
    },
  },
  'GET /employer/jobs/{jobId}/funnel': {
    tag: 'employer',
    summary: 'The job’s funnel: taps on its Apply links, apply page views, applications and hires, per video',
    description:
      'Exact and cumulative since the job was published (through withdrawal, closing and erasure), each step within 60 seconds. A video appears once it has any count; `totals` also counts what came without a `via`.',
    security: 'employerKey',
    path: z.object({ jobId: id }),
    responses: {
      200: { description: 'the counts', content: json(JobFunnelBody) },
      ...employerProblems({
        404: 'the employer has no job of that id (another employer’s too: never 403)',
        503: 'the store or the funnel query is unavailable; try again',
      }),
    },
  },
  'GET /employer/deliveries': {
    tag: 'employer',
    summary: 'The notification log, newest latest attempt first (kept 30 days)',
    security: 'employerKey',
    query: PageQuery.extend({
      state: z.enum(['pending', 'delivered', 'failed']).optional().describe('only those in this state'),
    }),
    responses: {
      200: pageAnswer('notifications', Delivery),
      ...employerProblems({ 400: 'a bad state, limit or cursor' }),
    },
  },
  'POST /employer/deliveries/{webhookId}/retry': {
    tag: 'employer',
    summary: 'Sends a notification again now, also one that failed for good',
    description: 'One that failed for good is taken out of the dead-letter queue first.',
    security: 'employerKey',
    path: z.object({ webhookId: z.string().describe('the notification’s webhook-id') }),
    responses: {
      202: {
        description: 'queued: it is pending again',
        content: json(RetryAccepted),
      },
      ...employerProblems({
        404: 'the employer has no notification of that webhook-id (in the last 30 days)',
      }),
    },
  },
  'POST /employer/test': {
    tag: 'employer',
    summary: 'Sends a signed endpoint.test notification to a url once, now',
    security: 'employerKey',
    requestBody: { required: true, content: json(EndpointTestBody) },
    responses: {
      200: { description: 'what the one attempt came to', content: json(EndpointTestResult) },
      ...employerProblems({ 422: 'a body that is not `{url}` with a url' }),
    },
  },
  'POST /employer/secret/rotate': {
    tag: 'employer',
    summary: 'A new signing secret',
    description:
      'Every notification carries one `v1,` signature per secret that was current at some moment of the last 24 hours, newest first.',
    security: 'employerKey',
    responses: {
      200: {
        description: 'the new secret',
        content: json(SecretRotated),
      },
      ...employerProblems({}),
    },
  },
  'POST /employer/key/rotate': {
    tag: 'employer',
    summary: 'A new API key; the old one stops working at once',
    security: 'employerKey',
    responses: {
      200: { description: 'the new key', content: json(KeyRotated) },
      ...employerProblems({}),
    },
  },
} as const satisfies Operations;

export const EMPLOYER_API_ROUTES = routeKeysOf(EMPLOYER_API);
