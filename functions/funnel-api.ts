import { viewerAuthenticator } from '#apply/viewer-authentication.ts';
import { viewerTokenVerifier } from '#apply/viewer-token.ts';
import { AthenaFunnelReader } from '#funnel/athena-funnel-reader.ts';
import { createFunnelApiHandler } from '#funnel/funnel-api-handler.ts';
import { FUNNEL_TABLE_VARIABLE, FUNNEL_WORKGROUP_VARIABLE } from '#funnel/funnel-log.ts';
import { requireEnv } from '#shared/config.ts';

/** GET /profiles/me/funnel. */
export const handler = createFunnelApiHandler({
  authenticateViewer: viewerAuthenticator(viewerTokenVerifier()),
  reader: new AthenaFunnelReader(requireEnv(FUNNEL_WORKGROUP_VARIABLE), requireEnv(FUNNEL_TABLE_VARIABLE)),
});
