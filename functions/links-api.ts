import type { Context } from 'aws-lambda';
import { PLATFORMS, type Platform } from '#events/fields.ts';
import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { readLinks } from '#links/read-links.ts';
import { type HttpRequest, type HttpResponse, json, problem } from '#shared/http.ts';
import { logger } from '#shared/observability.ts';

const links = linkContextFromEnvironment();

const MAX_ID_LENGTH = 128;

type RequestedVideo = { kind: 'video'; platform: Platform; videoId: string };

const videoOf = (request: HttpRequest): RequestedVideo | HttpResponse => {
  const platform = request.pathParameters?.platform ?? '';
  const videoId = request.pathParameters?.videoId ?? '';
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    return problem(404, 'Not Found', `unknown platform "${platform.slice(0, 32)}" (tiktok or youtube)`);
  }
  if (videoId.length === 0 || videoId.length > MAX_ID_LENGTH) {
    return problem(404, 'Not Found', 'videoId must be 1 to 128 characters');
  }
  return { kind: 'video', platform: platform as Platform, videoId };
};

/** GET /health, GET /links/{platform}/{videoId} and GET /links/{platform}/{videoId}/portfolio. */
export const handler = async (request: HttpRequest, context: Context): Promise<HttpResponse> => {
  logger.addContext(context);
  if (request.routeKey === 'GET /health') return json(200, { status: 'ok' });
  const video = videoOf(request);
  if (!('kind' in video)) return video;
  const current = await readLinks(links, video.platform, video.videoId);

  if (request.routeKey === 'GET /links/{platform}/{videoId}/portfolio') {
    if (!current.portfolio) return problem(404, 'Not Found', 'this video has no active portfolio link');
    return { statusCode: 302, headers: { location: current.portfolio.url, 'cache-control': 'no-store' } };
  }
  if (!current.portfolio && !current.apply) {
    return problem(404, 'Not Found', `no active link for ${video.platform} video ${video.videoId}`);
  }
  const body = {
    platform: video.platform,
    videoId: video.videoId,
    portfolio: current.portfolio,
    apply: current.apply,
  };
  return json(200, body, { 'cache-control': 'no-store' });
};
