import type { EventName } from '#events/catalog.ts';

/**
 * What the application functions take in, listed once: lib/routing.ts routes these events to the closings
 * queue and these routes to the applicant API, and the handlers are typed by the same lists.
 */

/** A job's closing, and each next page of it (the ApplicationClosings queue). */
export const CLOSING_EVENTS = [
  'jobClosed',
  'applicationsClosingRequested',
] as const satisfies readonly EventName[];

/** The applicant's own applications, with the viewer JWT (CONTRACT §6 "Applicant API"). */
export const APPLICANT_API_ROUTES = [
  'GET /applications',
  'GET /applications/{applicationId}',
  'POST /applications/{applicationId}/withdraw',
] as const;
