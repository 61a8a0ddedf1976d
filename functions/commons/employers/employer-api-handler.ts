import type * as z from 'zod';
import type { EmployerApplications } from '#applications/employer-applications.ts';
import { id } from '#events/fields.ts';
import type { FunnelLog } from '#funnel/funnel-log.ts';
import type { FunnelReader } from '#funnel/funnel-reader.ts';
import type { DeliveryLog } from '#notify/delivery-log.ts';
import type { EndpointTester } from '#notify/endpoint-test.ts';
import type { EntityReader } from '#shared/entities.ts';
import {
  bearerCredential,
  type HttpRequest,
  type HttpResponse,
  json,
  problem,
  requestTime,
  unauthorized,
  withHeaders,
} from '#shared/http.ts';
import { answeringFailures, dispatchHttp, type Routes, withBody } from '#shared/http-dispatch.ts';
import { isJsonObject } from '#shared/json.ts';
import {
  badRequest,
  InvalidCursorError,
  type PageRequest,
  pageOf,
  pageRequestOf,
  queryParameter,
} from '#shared/pagination.ts';
import type { Employer } from './employer.ts';
import type { EmployerAccounts } from './employer-accounts.ts';
import { EMPLOYER_RATE, type EmployerRateLimiter } from './employer-rate.ts';
import {
  type Delivery,
  EMPLOYER_API,
  type EMPLOYER_API_ROUTES,
  EndpointTestBody,
  type EndpointTestResult,
  type KeyRotated,
  type RetryAccepted,
  type SecretRotated,
  StatusChangeBody,
} from './routes.ts';

export interface EmployerApiDependencies {
  readonly accounts: Pick<EmployerAccounts, 'authenticate' | 'rotateKey' | 'rotateSecret'>;
  readonly applications: Pick<EmployerApplications, 'list' | 'get' | 'setStatus'>;
  readonly deliveries: Pick<DeliveryLog, 'list' | 'retry'>;
  readonly endpointTest: Pick<EndpointTester, 'test'>;
  readonly rate: EmployerRateLimiter;
  /** The employer's jobs, to know whose a funnel is. */
  readonly jobs: Pick<EntityReader, 'job'>;
  /** Where hires are written (CONTRACT §8). */
  readonly funnelLog: FunnelLog;
  readonly funnelReader: Pick<FunnelReader, 'jobFunnel'>;
}

type EmployerRoute = (request: HttpRequest, employer: Employer, body: Buffer) => Promise<HttpResponse>;

/** Personal, changing or secret: never stored by a cache. */
const NO_STORE = { 'cache-control': 'no-store' };
const ok = (body: unknown, status = 200): HttpResponse => json(status, body, NO_STORE);
const unprocessable = (detail: string): HttpResponse => problem(422, 'Unprocessable Content', detail);
const notFound = (what: string): HttpResponse => problem(404, 'Not Found', `you have no ${what}`);

/** A path parameter that names something only when the catalog would accept it as an id. */
const idParameter = (request: HttpRequest, name: string): string | undefined => {
  const value = request.pathParameters?.[name];
  return value !== undefined && id.safeParse(value).success ? value : undefined;
};

/** The JSON object of a body, or undefined (not JSON, or not an object). */
const jsonObjectOf = (body: Buffer): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/** A list's page, or its 400 for a cursor the list did not give. */
const listed = async <Item>(
  request: HttpRequest,
  list: (page: PageRequest) => Promise<{ items: readonly Item[]; nextCursor: string | undefined }>,
): Promise<HttpResponse> => {
  const page = pageRequestOf(request);
  if (!page.ok) return page.response;
  try {
    const { items, nextCursor } = await list(page.page);
    return ok(pageOf(items, nextCursor));
  } catch (error) {
    if (error instanceof InvalidCursorError) return badRequest(error.message);
    throw error;
  }
};

/**
 * The employer API (CONTRACT §6) as a thin adapter: the employer's key first (401 for a missing, wrong or
 * rotated one), then only the employer's own applications and deliveries (another's are 404, never 403), a
 * status change in the contract's order (same status 200, 422, 409), the test event and the rotations.
 */
export const createEmployerApiHandler = (deps: EmployerApiDependencies) => {
  const asEmployer =
    (handle: EmployerRoute) =>
    async (request: HttpRequest, body: Buffer): Promise<HttpResponse> => {
      const key = bearerCredential(request);
      if (!key) return unauthorized('an employer API key is required: Authorization: Bearer <key>', false);
      const employer = await deps.accounts.authenticate(key);
      if (!employer) return unauthorized('the API key is not valid (wrong, or rotated)', true);
      // After the key: nobody else can spend an employer's requests.
      const admitted = await deps.rate.admit(employer.employerId);
      if (admitted.kind === 'refused') {
        return withHeaders(
          problem(
            429,
            'Too Many Requests',
            `over the employer API limit of ${EMPLOYER_RATE.perSecond} requests a second (bursts of ${EMPLOYER_RATE.burst})`,
          ),
          { 'retry-after': String(admitted.retryAfterSeconds) },
        );
      }
      return handle(request, employer, body);
    };
  const route = (handle: EmployerRoute) => withBody(asEmployer(handle));

  const routes: Routes<(typeof EMPLOYER_API_ROUTES)[number]> = {
    'GET /employer/applications': route(async (request, { employerId }) => {
      const { jobId, status } = EMPLOYER_API['GET /employer/applications'].query.shape;
      const job = jobId.safeParse(queryParameter(request, 'jobId'));
      if (!job.success) return badRequest('jobId is not a job id');
      const wanted = status.safeParse(queryParameter(request, 'status'));
      if (!wanted.success)
        return badRequest(`status ${queryParameter(request, 'status')} is not an application status`);
      const filter = {
        ...(job.data === undefined ? {} : { jobId: job.data }),
        ...(wanted.data === undefined ? {} : { status: wanted.data }),
      };
      return listed(request, (page) => deps.applications.list(employerId, filter, page.limit, page.cursor));
    }),

    'GET /employer/applications/{applicationId}': route(async (request, { employerId }) => {
      const applicationId = idParameter(request, 'applicationId');
      const application = applicationId && (await deps.applications.get(employerId, applicationId));
      return application ? ok(application) : notFound(`application ${request.pathParameters?.applicationId}`);
    }),

    'POST /employer/applications/{applicationId}/status': route(async (request, { employerId }, body) => {
      const applicationId = idParameter(request, 'applicationId');
      const missing = notFound(`application ${request.pathParameters?.applicationId}`);
      if (applicationId === undefined) return missing;
      const asked = jsonObjectOf(body);
      const status = StatusChangeBody.shape.status.safeParse(asked?.status);
      if (!asked || !status.success) {
        // 404 first: only then is a body worth judging.
        if (!(await deps.applications.get(employerId, applicationId))) return missing;
        return unprocessable(
          'the body must be a JSON object {status, note?} with status an application status',
        );
      }
      // The note is the rules' to judge (statusNote, as StatusChangeBody says), after the same-status answer.
      const outcome = await deps.applications.setStatus(employerId, applicationId, {
        status: status.data,
        note: asked.note,
      });
      switch (outcome.kind) {
        case 'notFound':
          return missing;
        case 'invalid':
          return unprocessable(outcome.detail);
        case 'final':
          return problem(
            409,
            'Conflict',
            `application ${applicationId} is final: its status no longer changes`,
          );
        case 'unchanged':
        case 'changed': {
          const { application } = outcome;
          // Recorded on a repeat too: a record lost with a failed answer is written when the employer retries,
          // stamped with this request's time (as every funnel record: it enters the log within seconds of it).
          if (application.status === 'hired') {
            await deps.funnelLog.recordStep({
              kind: 'hired',
              id: application.applicationId,
              at: requestTime(request),
              jobId: application.jobId,
              via: application.via,
            });
          }
          return ok(application);
        }
      }
    }),

    'GET /employer/jobs/{jobId}/funnel': route(async (request, { employerId }) => {
      const jobId = idParameter(request, 'jobId');
      const job = jobId && (await deps.jobs.job(jobId));
      if (!jobId || !job || job.employerId !== employerId)
        return notFound(`job ${request.pathParameters?.jobId}`);
      const since = new Date(job.publishedAt ?? 0);
      return ok(await deps.funnelReader.jobFunnel(jobId, since));
    }),

    'GET /employer/deliveries': route(async (request, { employerId }) => {
      const { state } = EMPLOYER_API['GET /employer/deliveries'].query.shape;
      const wanted = state.safeParse(queryParameter(request, 'state'));
      if (!wanted.success) return badRequest('state must be pending, delivered or failed');
      return listed<z.input<typeof Delivery>>(request, (page) =>
        deps.deliveries.list(employerId, wanted.data, page.limit, page.cursor),
      );
    }),

    'POST /employer/deliveries/{webhookId}/retry': route(async (request, { employerId }) => {
      const webhookId = request.pathParameters?.webhookId ?? '';
      if (!(await deps.deliveries.retry(employerId, webhookId))) return notFound(`delivery ${webhookId}`);
      return ok({ webhookId, state: 'pending' } satisfies z.input<typeof RetryAccepted>, 202);
    }),

    'POST /employer/test': route(async (_request, { employerId }, body) => {
      const asked = EndpointTestBody.safeParse(jsonObjectOf(body));
      if (!asked.success) return unprocessable('the body must be a JSON object {url} with an https url');
      const result: z.input<typeof EndpointTestResult> = await deps.endpointTest.test(
        employerId,
        asked.data.url,
      );
      return ok(result);
    }),

    'POST /employer/secret/rotate': route(async (_request, { employerId }) =>
      ok({ secret: await deps.accounts.rotateSecret(employerId) } satisfies z.input<typeof SecretRotated>),
    ),

    'POST /employer/key/rotate': route(async (_request, employer) => {
      const key = await deps.accounts.rotateKey(employer);
      return key
        ? ok({ key } satisfies z.input<typeof KeyRotated>)
        : unauthorized('the API key was rotated meanwhile', true);
    }),
  };
  return answeringFailures(
    'employer api',
    'the request could not be completed; try again',
    dispatchHttp(routes),
  );
};
