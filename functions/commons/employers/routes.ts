/** The employer API's routes, listed once (lib/routing.ts, and the handler typed by them). CONTRACT §6. */
export const EMPLOYER_API_ROUTES = [
  'GET /employer/applications',
  'GET /employer/applications/{applicationId}',
  'POST /employer/applications/{applicationId}/status',
  'GET /employer/deliveries',
  'POST /employer/deliveries/{webhookId}/retry',
  'POST /employer/test',
  'POST /employer/secret/rotate',
  'POST /employer/key/rotate',
] as const;
