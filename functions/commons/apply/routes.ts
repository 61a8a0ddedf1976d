/** The applications API's routes, listed once (lib/routing.ts, and the handlers typed by them). */
export const APPLICATIONS_API_ROUTES = [
  'GET /jobs/{jobId}/apply',
  'POST /jobs/{jobId}/applications',
] as const;
