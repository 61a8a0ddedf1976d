import type * as z from 'zod';
import { id } from '#events/fields.ts';
import type { FunnelLog } from '#funnel/funnel-log.ts';
import {
  bearerTokenOf,
  type HttpRequest,
  type HttpResponse,
  header,
  json,
  problem,
  unauthorized,
} from '#shared/http.ts';
import { dispatchHttp, type Routes, withBody } from '#shared/http-dispatch.ts';
import { logger } from '#shared/observability.ts';
import { videoOfVia } from '#shared/via.ts';
import { applyPage } from './apply-page.ts';
import { parseApplyBody } from './apply-request.ts';
import { jobStatus } from './job-status.ts';
import type { APPLICATIONS_API_ROUTES, ApplicationAccepted } from './routes.ts';
import { type ApplyDependencies, submitApplication } from './submit-application.ts';
import {
  InvalidViewerTokenError,
  ViewerKeysUnavailableError,
  type ViewerTokenVerifier,
} from './viewer-token.ts';

export interface ApplicationsApiDependencies extends ApplyDependencies {
  readonly verifyViewerToken: ViewerTokenVerifier;
  /** Where apply page views are written (CONTRACT §8). */
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
  const token = bearerTokenOf(request);
  if (!token) return unauthorized('a viewer token is required: Authorization: Bearer <JWT>', false);
  let profileId: string;
  try {
    ({ profileId } = await deps.verifyViewerToken(token));
  } catch (error) {
    if (error instanceof InvalidViewerTokenError) {
      // The reason helps the caller; the token itself is never echoed or logged.
      return unauthorized(`the viewer token is not valid: ${error.message}`, true);
    }
    if (error instanceof ViewerKeysUnavailableError) {
      logger.error('viewer keys unavailable', { error: error.message });
      return problem(503, 'Service Unavailable', 'viewer tokens cannot be verified right now; try again');
    }
    throw error;
  }

  // An id the catalog would refuse cannot name a job: no need to look it up.
  if (!id.safeParse(jobId).success) return problem(404, 'Not Found', 'no such job');
  const outcome = await submitApplication({ jobId, profileId, body: parseApplyBody(body) }, deps);
  switch (outcome.kind) {
    case 'unknownJob':
      return problem(404, 'Not Found', `job ${jobId} does not exist`);
    case 'closedJob':
      return problem(410, 'Gone', `job ${jobId} is closed and takes no more applications`);
    case 'badBody':
      return problem(422, 'Unprocessable Content', outcome.problem);
    case 'unknownProfile':
      return problem(422, 'Unprocessable Content', `profile ${profileId} is unknown, deleted or incomplete`);
    case 'submitted': {
      const { applicationId } = outcome.application;
      const body: z.input<typeof ApplicationAccepted> = { applicationId, jobId, status: 'submitted' };
      return json(outcome.isNew ? 201 : 200, body, NO_STORE);
    }
  }
};

const applyPageOf = async (
  request: HttpRequest,
  deps: ApplicationsApiDependencies,
): Promise<HttpResponse> => {
  const jobId = jobIdOf(request);
  if (jobId === undefined) return problem(404, 'Not Found', 'no such route');
  const job = id.safeParse(jobId).success ? await deps.entities.job(jobId) : undefined;
  const status = jobStatus(job, deps.now());
  // A browser gets a page that says so; any other client the contract's problem+json.
  if (status.kind === 'unknown' && !acceptsHtml(request)) {
    return problem(404, 'Not Found', `job ${jobId} does not exist`);
  }
  const page = applyPage(status);
  if (page.statusCode !== 200) return page;
  // A page view is one answered 200: answered only once the funnel log has it, so every view shown is counted.
  const video = videoOfVia(request.queryStringParameters?.via);
  await deps.funnel.record({
    kind: 'applyPageView',
    id: request.requestContext.requestId,
    at: new Date(request.requestContext.timeEpoch).toISOString(),
    jobId,
    platform: video?.platform ?? null,
    videoId: video?.videoId ?? null,
  });
  return page;
};

/**
 * GET /jobs/{jobId}/apply (the apply page) and POST /jobs/{jobId}/applications, as a thin adapter: parse,
 * verify, call the use case, map its outcome to the contract's status codes.
 */
export const createApplicationsApiHandler = (deps: ApplicationsApiDependencies) => {
  const routes: Routes<(typeof APPLICATIONS_API_ROUTES)[number]> = {
    'GET /jobs/{jobId}/apply': (request) => applyPageOf(request, deps),
    'POST /jobs/{jobId}/applications': withBody((request, body) => apply(request, body, deps)),
  };
  const dispatch = dispatchHttp(routes);
  return async (request: HttpRequest): Promise<HttpResponse> => {
    try {
      return await dispatch(request);
    } catch (error) {
      logger.error('applications api failed', {
        error: error instanceof Error ? error.message : String(error),
      });
      return problem(503, 'Service Unavailable', 'the application could not be processed; try again');
    }
  };
};
