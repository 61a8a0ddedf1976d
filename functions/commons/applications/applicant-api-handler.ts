import type { ViewerAuthenticator } from '#apply/viewer-authentication.ts';
import { id } from '#events/fields.ts';
import { type HttpRequest, type HttpResponse, json, problem } from '#shared/http.ts';
import { answeringFailures, dispatchHttp, type Routes, withBody } from '#shared/http-dispatch.ts';
import { badRequest, InvalidCursorError, pageOf, pageRequestOf } from '#shared/pagination.ts';
import type { ApplicantApplications } from './applicant-applications.ts';
import type { APPLICANT_API_ROUTES } from './routes.ts';

export interface ApplicantApiDependencies {
  readonly authenticateViewer: ViewerAuthenticator;
  readonly applications: Pick<ApplicantApplications, 'list' | 'get' | 'withdraw'>;
}

/** Personal and changing: never stored by a cache. */
const NO_STORE = { 'cache-control': 'no-store' };

const notFound = (applicationId: string): HttpResponse =>
  problem(404, 'Not Found', `you have no application ${applicationId}`);

/** The application a path names; an id the catalog would refuse names none (404 as for another's). */
const applicationIdOf = (request: HttpRequest): string | undefined => {
  const applicationId = request.pathParameters?.applicationId;
  return applicationId !== undefined && id.safeParse(applicationId).success ? applicationId : undefined;
};

/**
 * The applicant API (CONTRACT §6) as a thin adapter: the viewer JWT first (401), then the viewer's own
 * applications only (another's is 404, never 403), a withdrawal 200 or 409.
 */
export const createApplicantApiHandler = (deps: ApplicantApiDependencies) => {
  const asViewer =
    (handle: (request: HttpRequest, profileId: string) => Promise<HttpResponse>) =>
    async (request: HttpRequest): Promise<HttpResponse> => {
      const viewer = await deps.authenticateViewer(request);
      return viewer.kind === 'refused' ? viewer.response : handle(request, viewer.profileId);
    };

  const routes: Routes<(typeof APPLICANT_API_ROUTES)[number]> = {
    'GET /applications': asViewer(async (request, profileId) => {
      const page = pageRequestOf(request);
      if (!page.ok) return page.response;
      try {
        const { items, nextCursor } = await deps.applications.list(
          profileId,
          page.page.limit,
          page.page.cursor,
        );
        return json(200, pageOf(items, nextCursor), NO_STORE);
      } catch (error) {
        if (error instanceof InvalidCursorError) return badRequest(error.message);
        throw error;
      }
    }),
    'GET /applications/{applicationId}': asViewer(async (request, profileId) => {
      const applicationId = applicationIdOf(request);
      const application = applicationId && (await deps.applications.get(profileId, applicationId));
      return application
        ? json(200, application, NO_STORE)
        : notFound(request.pathParameters?.applicationId ?? '');
    }),
    'POST /applications/{applicationId}/withdraw': withBody(
      asViewer(async (request, profileId) => {
        const applicationId = applicationIdOf(request);
        if (applicationId === undefined) return notFound(request.pathParameters?.applicationId ?? '');
        const outcome = await deps.applications.withdraw(profileId, applicationId);
        switch (outcome.kind) {
          case 'notFound':
            return notFound(applicationId);
          case 'final':
            return problem(
              409,
              'Conflict',
              `application ${applicationId} is final and can no longer be withdrawn`,
            );
          case 'withdrawn':
            return json(200, outcome.application, NO_STORE);
        }
      }),
    ),
  };
  return answeringFailures(
    'applicant api',
    'your applications could not be read or changed; try again',
    dispatchHttp(routes),
  );
};
