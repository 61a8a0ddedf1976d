import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { id, platform, type VideoRef } from '#events/fields.ts';
import type { FunnelLog } from '#funnel/funnel-log.ts';
import type { FunnelRecord } from '#funnel/funnel-record.ts';
import {
  type HttpRequest,
  type HttpResponse,
  json,
  NO_STORE,
  problem,
  publicReadCacheFor,
  requestTime,
  withHeaders,
} from '#shared/http.ts';
import { dispatchHttp, type Routes } from '#shared/http-dispatch.ts';
import { logger } from '#shared/observability.ts';
import { withVia } from '#shared/via.ts';
import { hotLinkReads } from './hot-link-reads.ts';
import type { LinkContext } from './link-context.ts';
import { type LinkReads, readApplyLink, readLinks, readTimedLinks } from './read-links.ts';
import type { HealthBody, LINKS_API_ROUTES, VideoLinksBody } from './routes.ts';

/** A 404 that no cache keeps: the link may appear any moment (CloudFront honours no-store on a 404). */
const notFound = (detail: string): HttpResponse => withHeaders(problem(404, 'Not Found', detail), NO_STORE);

/** The video a path names, with the catalog's own rules for a platform and an id; or the 404 saying why not. */
const videoOf = (request: HttpRequest): VideoRef | HttpResponse => {
  const platformName = request.pathParameters?.platform ?? '';
  const videoId = request.pathParameters?.videoId ?? '';
  const known = platform.safeParse(platformName);
  if (!known.success) {
    return notFound(`unknown platform "${platformName.slice(0, 32)}" (tiktok or youtube)`);
  }
  if (!id.safeParse(videoId).success)
    return notFound('videoId must be 1 to 128 characters of well-formed Unicode');
  return { platform: known.data, videoId };
};

/**
 * A tap's 302, answered only once the funnel log has taken the tap (CONTRACT §8: a tap is an answered 302), so
 * that every redirect answered is counted; a log that refuses it is a 503 the viewer can retry.
 */
const tap = async (funnel: FunnelLog, record: FunnelRecord, location: string): Promise<HttpResponse> => {
  try {
    await funnel.record(record);
  } catch (error) {
    logger.error('tap not recorded', {
      kind: record.kind,
      error: error instanceof Error ? error.name : 'unknown',
    });
    return withHeaders(
      problem(503, 'Service Unavailable', 'the tap could not be recorded; try again'),
      NO_STORE,
    );
  }
  return { statusCode: 302, headers: { location, ...NO_STORE } };
};

/** A counted request's id and instant: API Gateway's request id, the same on every delivery of its record. */
const tapOf = (request: HttpRequest): { id: string; at: string } => ({
  id: request.requestContext.requestId,
  at: requestTime(request),
});

/**
 * GET /health, GET /links/{platform}/{videoId} and its two counted redirects, /portfolio and /apply. The JSON
 * reads the table every time (the CDN absorbs its repeats); a tap reads through `taps`, which answers a key this
 * environment serves at a viral rate from a table read at most a second old (hot-link-reads.ts).
 */
export const createLinksApiHandler = (
  links: LinkContext,
  funnel: FunnelLog,
  taps: LinkReads = hotLinkReads(links),
) => {
  const routes: Routes<(typeof LINKS_API_ROUTES)[number]> = {
    'GET /health': async () => json(200, { status: 'ok' } satisfies z.input<typeof HealthBody>),
    'GET /links/{platform}/{videoId}': async (request) => {
      const video = videoOf(request);
      if (!('videoId' in video)) return video;
      const { links: current, unchangedForSeconds = Number.POSITIVE_INFINITY } = await readTimedLinks(
        links,
        video.platform,
        video.videoId,
      );
      if (!current.portfolio && !current.apply) {
        return notFound(`no active link for ${video.platform} video ${video.videoId}`);
      }
      const body: z.input<typeof VideoLinksBody> = {
        ...video,
        portfolio: current.portfolio,
        apply: current.apply,
      };
      // The one cacheable answer: the CDN serves it for PUBLIC_READ_MAX_AGE_SECONDS, or less when a job's
      // closing ends it sooner (links are evaluated when read: none may outlive its `closesAt` in a cache).
      return json(200, body, publicReadCacheFor(unchangedForSeconds));
    },
    'GET /links/{platform}/{videoId}/portfolio': async (request) => {
      const video = videoOf(request);
      if (!('videoId' in video)) return video;
      const { portfolio } = await readLinks(taps, video.platform, video.videoId);
      if (!portfolio) return notFound('this video has no active portfolio link');
      const record = {
        kind: 'portfolioTap',
        ...tapOf(request),
        ...video,
        profileId: portfolio.profileId,
      } as const;
      return tap(funnel, record, portfolio.url);
    },
    'GET /links/{platform}/{videoId}/apply': async (request) => {
      const video = videoOf(request);
      if (!('videoId' in video)) return video;
      const apply = await readApplyLink(taps, video.platform, video.videoId);
      if (!apply) return notFound('this video has no active Apply link');
      const record = { kind: 'applyTap', ...tapOf(request), ...video, jobId: apply.jobId } as const;
      return tap(funnel, record, withVia(apply.url, video));
    },
  };
  const dispatch = dispatchHttp(routes);
  return async (request: HttpRequest, context: Context): Promise<HttpResponse> => {
    logger.addContext(context);
    return dispatch(request, context);
  };
};
