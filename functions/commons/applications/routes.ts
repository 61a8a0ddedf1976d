import * as z from 'zod';
import type { EventName } from '#events/catalog.ts';
import { id } from '#events/fields.ts';
import { ApplicantApplication } from '#shared/application-views.ts';
import { BODY_TOO_LARGE, type Operations, problems, routeKeysOf } from '#shared/http-operations.ts';
import { PageQuery, pageBody } from '#shared/pagination.ts';

/**
 * What the application functions take in, listed once: lib/routing.ts routes these events to the closings
 * queue and these routes to the applicant API, and the handlers are typed by the same lists.
 */

/** A job's closing, and each next page of it (the ApplicationClosings queue). */
export const CLOSING_EVENTS = [
  'jobClosed',
  'applicationsClosingRequested',
] as const satisfies readonly EventName[];

const ApplicationPath = z.object({ applicationId: id });

/** What every applicant route may answer besides its own: the viewer token first, then the store. */
const VIEWER_PROBLEMS = {
  401: 'a missing, invalid or expired viewer token',
  503: 'viewer keys or the store are unavailable; try again',
} as const;

/** The viewer's own applications, with the viewer JWT (CONTRACT §6 "Applicant API"). */
export const APPLICANT_API = {
  'GET /applications': {
    tag: 'applicant',
    summary: 'The viewer’s own applications, newest first',
    security: 'viewerToken',
    query: PageQuery,
    responses: {
      200: {
        description: 'a page of them; `nextCursor` is null on the last page',
        content: { 'application/json': pageBody(ApplicantApplication) },
      },
      ...problems({ 400: 'a limit outside 1–100, or a cursor this list did not give', ...VIEWER_PROBLEMS }),
    },
  },
  'GET /applications/{applicationId}': {
    tag: 'applicant',
    summary: 'One of the viewer’s applications',
    security: 'viewerToken',
    path: ApplicationPath,
    responses: {
      200: { description: 'the application', content: { 'application/json': ApplicantApplication } },
      ...problems({ 404: 'the viewer has no application of that id (another’s too)', ...VIEWER_PROBLEMS }),
    },
  },
  'POST /applications/{applicationId}/withdraw': {
    tag: 'applicant',
    summary: 'The viewer withdraws one of their applications',
    description:
      'The employer is sent application.withdrawn (after application.received) and platforms Application Status Changed. Withdrawing again answers 200 and publishes nothing.',
    security: 'viewerToken',
    path: ApplicationPath,
    responses: {
      200: {
        description: 'the application, `status: "withdrawn"`',
        content: { 'application/json': ApplicantApplication },
      },
      ...problems({
        ...BODY_TOO_LARGE,
        404: 'the viewer has no application of that id (another’s too)',
        409: 'the application is final otherwise (hired, rejected or closed)',
        ...VIEWER_PROBLEMS,
      }),
    },
  },
} as const satisfies Operations;

export const APPLICANT_API_ROUTES = routeKeysOf(APPLICANT_API);
