import { funnelLogFromEnvironment } from '#funnel/from-environment.ts';
import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';

/** GET /health, GET /links/{platform}/{videoId} and its counted redirects /portfolio and /apply. */
export const handler = createLinksApiHandler(linkContextFromEnvironment(), funnelLogFromEnvironment());
