import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import type { ViewerAuthenticator } from '#apply/viewer-authentication.ts';
import { type HttpRequest, type HttpResponse, json, NO_STORE, problem } from '#shared/http.ts';
import { dispatchHttp, type Routes } from '#shared/http-dispatch.ts';
import { logger } from '#shared/observability.ts';
import type { FunnelReader } from './funnel-reader.ts';
import type { FUNNEL_API_ROUTES, ProfileFunnelBody } from './routes.ts';

export interface FunnelApiDependencies {
  readonly authenticateViewer: ViewerAuthenticator;
  readonly reader: FunnelReader;
}

/** GET /profiles/me/funnel: the viewer's portfolio taps per video (CONTRACT §8). */
export const createFunnelApiHandler = (deps: FunnelApiDependencies) => {
  const routes: Routes<(typeof FUNNEL_API_ROUTES)[number]> = {
    'GET /profiles/me/funnel': async (request) => {
      const viewer = await deps.authenticateViewer(request);
      if (viewer.kind === 'refused') return viewer.response;
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
