import * as z from 'zod';
import { id, platform } from '#events/fields.ts';
import { countBody, type Operations, problems, routeKeysOf } from '#shared/http-operations.ts';

/** The funnel API's routes, listed once with what they answer (lib/routing.ts, the handler, /openapi.json). */

/** `GET /profiles/me/funnel` (CONTRACT §8): the viewer's videos that brought portfolio taps. */
export const ProfileFunnelBody = z.object({
  profileId: id,
  videos: z.array(z.object({ platform, videoId: id, portfolioTaps: countBody })),
  totals: z.object({ portfolioTaps: countBody }),
});

export const FUNNEL_API = {
  'GET /profiles/me/funnel': {
    tag: 'funnel',
    summary: "The viewer's portfolio taps, per video",
    description:
      'Exact and cumulative: each tap on `/links/{platform}/{videoId}/portfolio` that led to this profile, counted once, within 60 seconds. A video appears once it has a tap.',
    security: 'viewerToken',
    responses: {
      200: { description: 'the counts', content: { 'application/json': ProfileFunnelBody } },
      ...problems({
        401: 'a missing, invalid or expired viewer token',
        503: 'viewer keys or the funnel query are unavailable; try again',
      }),
    },
  },
} as const satisfies Operations;

export const FUNNEL_API_ROUTES = routeKeysOf(FUNNEL_API);
