import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';

/** GET /health, GET /links/{platform}/{videoId} and GET /links/{platform}/{videoId}/portfolio. */
export const handler = createLinksApiHandler(linkContextFromEnvironment());
