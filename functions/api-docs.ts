import { createApiDocsHandler } from '#api-docs/api-docs-handler.ts';
import { API_DOCS } from '#api-docs/routes.ts';
import { APPLICANT_API } from '#applications/routes.ts';
import { APPLICATIONS_API } from '#apply/routes.ts';
import { EMPLOYER_API } from '#employers/routes.ts';
import { FUNNEL_API } from '#funnel/routes.ts';
import { LINKS_API } from '#links/routes.ts';
import { OUTGOING_WEBHOOKS } from '#notify/outgoing-webhooks.ts';
import { requireEnv } from '#shared/config.ts';
import { WEBHOOKS_API } from '#webhooks/routes.ts';

/**
 * GET /openapi.json: every feature's route declarations, as lib/routing.ts serves them (a test fails for a
 * route of lib/routing.ts missing here), and the notifications sent to employers.
 */
export const handler = createApiDocsHandler({
  version: '1.0.0',
  serverUrl: requireEnv('PUBLIC_BASE_URL'),
  operations: {
    ...LINKS_API,
    ...APPLICATIONS_API,
    ...APPLICANT_API,
    ...EMPLOYER_API,
    ...FUNNEL_API,
    ...WEBHOOKS_API,
    ...API_DOCS,
  },
  webhooks: OUTGOING_WEBHOOKS,
});
