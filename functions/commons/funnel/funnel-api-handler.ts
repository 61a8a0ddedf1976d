import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import type { ViewerTokenVerifier } from '#apply/viewer-token.ts';
import {
  bearerTokenOf,
  type HttpRequest,
  type HttpResponse,
  json,
  NO_STORE,
  problem,
  unauthorized,
} from '#shared/http.ts';
import { dispatchHttp, type Routes } from '#shared/http-dispatch.ts';
import { logger } from '#shared/observability.ts';
import type { FunnelReader } from './funnel-reader.ts';
import type { FUNNEL_API_ROUTES, ProfileFunnelBody } from './routes.ts';

export interface FunnelApiDependencies {
  readonly verifyViewerToken: ViewerTokenVerifier;
  readonly reader: FunnelReader;
}

/** The viewer's profile id, or the 401/503 answer (the verifier's errors by name: they are the apply feature's). */
const viewerOf = async (
  request: HttpRequest,
  verify: ViewerTokenVerifier,
): Promise<{ readonly profileId: string } | HttpResponse> => {
  const token = bearerTokenOf(request);
  if (!token) return unauthorized('a viewer token is required: Authorization: Bearer <JWT>', false);
  try {
    return await verify(token);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    // The reason helps the caller; the token itself is never echoed or logged.
    if (name === 'InvalidViewerTokenError')
      return unauthorized(`the viewer token is not valid: ${(error as Error).message}`, true);
    if (name === 'ViewerKeysUnavailableError')
      return problem(503, 'Service Unavailable', 'viewer tokens cannot be verified right now; try again');
    throw error;
  }
};

/** GET /profiles/me/funnel: the viewer's portfolio taps per video (CONTRACT §8). */
export const createFunnelApiHandler = (deps: FunnelApiDependencies) => {
  const routes: Routes<(typeof FUNNEL_API_ROUTES)[number]> = {
    'GET /profiles/me/funnel': async (request) => {
      const viewer = await viewerOf(request, deps.verifyViewerToken);
      if (!('profileId' in viewer)) return viewer;
      const videos = (await deps.reader.portfolioTaps(viewer.profileId)).map((video) => ({
        platform: video.platform,
        videoId: video.videoId,
        portfolioTaps: video.count,
      }));
      const body: z.input<typeof ProfileFunnelBody> = {
        profileId: viewer.profileId,
        videos,
        totals: { portfolioTaps: videos.reduce((sum, video) => sum + video.portfolioTaps, 0) },
      };
      return json(200, body, NO_STORE);
    },
  };
  const dispatch = dispatchHttp(routes);
  return async (request: HttpRequest, context: Context): Promise<HttpResponse> => {
    logger.addContext(context);
    try {
      return await dispatch(request, context);
    } catch (error) {
      logger.error('funnel read failed', { error: error instanceof Error ? error.name : 'unknown' });
      return problem(503, 'Service Unavailable', 'the funnel could not be read right now; try again');
    }
  };
};
