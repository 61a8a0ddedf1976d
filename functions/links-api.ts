import { firehoseFunnelLog } from '#funnel/firehose-funnel-log.ts';
import { FUNNEL_STREAM_VARIABLE } from '#funnel/funnel-log.ts';
import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';
import { requireEnv } from '#shared/config.ts';

/** GET /health, GET /links/{platform}/{videoId} and its counted redirects /portfolio and /apply. */
export const handler = createLinksApiHandler(
  linkContextFromEnvironment(),
  firehoseFunnelLog(requireEnv(FUNNEL_STREAM_VARIABLE)),
);
