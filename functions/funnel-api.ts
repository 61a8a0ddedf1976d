import { viewerAuthenticator } from '#apply/viewer-authentication.ts';
import { viewerTokenVerifier } from '#apply/viewer-token.ts';
import { funnelReaderFromEnvironment } from '#funnel/from-environment.ts';
import { createFunnelApiHandler } from '#funnel/funnel-api-handler.ts';

/** GET /profiles/me/funnel. */
export const handler = createFunnelApiHandler({
  authenticateViewer: viewerAuthenticator(viewerTokenVerifier()),
  reader: funnelReaderFromEnvironment(),
});
