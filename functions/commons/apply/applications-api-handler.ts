import type * as z from 'zod';
import type { ApplicationSubmissions } from '#applications/submit-application.ts';
import { id } from '#events/fields.ts';
import type { FunnelLog } from '#funnel/funnel-log.ts';
import { APPLY_LIMITS_IN_WORDS } from '#shared/apply-limits.ts';
import type { EntityReader } from '#shared/entities.ts';
import { hotKeyReads } from '#shared/hot-reads.ts';
import {
  type HttpRequest,
  type HttpResponse,
  header,
  json,
  problem,
  requestTime,
  withHeaders,
} from '#shared/http.ts';
import { answeringFailures, dispatchHttp, type Routes, withBody } from '#shared/http-dispatch.ts';
import { jobStatus } from '#shared/job-status.ts';
import { videoOfVia } from '#shared/via.ts';
import { applyPage } from './apply-page.ts';
import { parseApplyBody } from './apply-request.ts';
import type { APPLICATIONS_API_ROUTES, ApplicationAccepted } from './routes.ts';
import type { ViewerAuthenticator } from './viewer-authentication.ts';

export interface ApplicationsApiDependencies {
  readonly entities: EntityReader;
  readonly submissions: Pick<ApplicationSubmissions, 'submit'>;
  readonly authenticateViewer: ViewerAuthenticator;
  readonly now: () => Date;
  /** Where apply page views and applications are written (CONTRACT §8). */
  readonly funnel: FunnelLog;
}

const NO_STORE = { 'cache-control': 'no-store' };

/** True when the client names text/html among what it accepts (browsers do; curl, SDKs and fetch send *\/*). */
const acceptsHtml = (request: HttpRequest): boolean =>
  (header(request, 'accept') ?? '')
    .split(',')
    .some((range) => range.split(';')[0]?.trim().toLowerCase() === 'text/html');

/** The job a path names, as API Gateway (or the dispatch) decoded it. */
const jobIdOf = (request: HttpRequest): string | undefined => request.pathParameters?.jobId;

const apply = async (
  request: HttpRequest,
  body: Buffer,
  deps: ApplicationsApiDependencies,
): Promise<HttpResponse> => {
  const jobId = jobIdOf(request);
  if (jobId === undefined) return problem(404, 'Not Found', 'no such route');
  const viewer = await deps.authenticateViewer(request);
  if (viewer.kind === 'refused') return viewer.response;
  const { profileId } = viewer;

  // An id the catalog would refuse cannot name a job: no need to look it up.
  if (!id.safeParse(jobId).success) return problem(404, 'Not Found', 'no such job');
  const outcome = await deps.submissions.submit({ jobId, profileId, body: parseApplyBody(body) });
  switch (outcome.kind) {
    case 'unknownJob':
      return problem(404, 'Not Found', `job ${jobId} does not exist`);
    case 'closedJob':
      return problem(410, 'Gone', `job ${jobId} is closed and takes no more applications`);
    case 'badBody':
      return problem(422, 'Unprocessable Content', outcome.problem);
    case 'unknownProfile':
      return problem(422, 'Unprocessable Content', `profile ${profileId} is unknown, deleted or incomplete`);
    case 'overLimit':
      return withHeaders(
        problem(
          429,
          'Too Many Requests',
          `this profile is over its apply limits (${APPLY_LIMITS_IN_WORDS}); retry after the seconds Retry-After says`,
        ),
        { 'retry-after': String(outcome.retryAfterSeconds) },
      );
    case 'submitted':
    case 'retained': {
      const { applicationId, status } = outcome.application;
      if (outcome.kind === 'submitted') {
        // Recorded on a repeat too: a record lost with a failed answer is written when the viewer tries again.
        // Its `at` is this request's (not the stored submission's): a record enters the log within seconds of its
        // `at`, which is what lets a funnel read call an hour final (funnel-rollup.ts `FUNNEL_PUT_WITHIN_MS`).
        await deps.funnel.recordStep({
          kind: 'application',
          id: applicationId,
          at: requestTime(request),
          jobId,
          via: outcome.application.via,
        });
      }
      const body: z.input<typeof ApplicationAccepted> = { applicationId, jobId, status };
      return json(outcome.kind === 'submitted' && outcome.isNew ? 201 : 200, body, NO_STORE);
    }
  }
};

const applyPageOf = async (
  request: HttpRequest,
  deps: ApplicationsApiDependencies,
  pageJob: EntityReader['job'],
): Promise<HttpResponse> => {
  const jobId = jobIdOf(request);
  if (jobId === undefined) return problem(404, 'Not Found', 'no such route');
  // The job's status is still judged at this request's instant: a `closesAt` passing closes the page at once.
  const job = id.safeParse(jobId).success ? await pageJob(jobId) : undefined;
  const status = jobStatus(job, deps.now());
  // A browser gets a page that says so; any other client the contract's problem+json.
  if (status.kind === 'unknown' && !acceptsHtml(request)) {
    return problem(404, 'Not Found', `job ${jobId} does not exist`);
  }
  const page = applyPage(status);
  if (page.statusCode !== 200) return page;
  // A page view is one answered 200: answered only once the funnel log has it, so every view shown is counted.
  await deps.funnel.recordStep({
    kind: 'applyPageView',
    id: request.requestContext.requestId,
    at: requestTime(request),
    jobId,
    via: videoOfVia(request.queryStringParameters?.via),
  });
  return page;
};

/**
 * GET /jobs/{jobId}/apply (the apply page) and POST /jobs/{jobId}/applications, as a thin adapter: parse,
 * verify, call the use case, map its outcome to the contract's status codes.
 */
export const createApplicationsApiHandler = (deps: ApplicationsApiDependencies) => {
  // The apply page reads its job through this environment's hot reads: a viral job's page views (as many as its
  // taps) read the job item about once a second here, not once a view. Applying reads it every time.
  const pageJob = hotKeyReads(
    (jobId: string) => deps.entities.job(jobId),
    (jobId) => jobId,
  );
  const routes: Routes<(typeof APPLICATIONS_API_ROUTES)[number]> = {
    'GET /jobs/{jobId}/apply': (request) => applyPageOf(request, deps, pageJob),
    'POST /jobs/{jobId}/applications': withBody((request, body) => apply(request, body, deps)),
  };
  return answeringFailures(
    'applications api',
    'the application could not be processed; try again',
    dispatchHttp(routes),
  );
};
