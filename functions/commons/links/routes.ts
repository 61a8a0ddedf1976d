import * as z from 'zod';
import type { EventName } from '#events/catalog.ts';
import { id, platform } from '#events/fields.ts';
import { type Operations, problems, routeKeysOf } from '#shared/http-operations.ts';

/**
 * What the link functions take in, listed once: lib/routing.ts routes these events to each function's queue
 * and these routes to the links API, and the handlers are typed by the same lists.
 */

/** Events of the platforms' videos and accounts (the VideoEvents queue). */
export const VIDEO_EVENTS = [
  'videoPosted',
  'videoRemoved',
  'accountDisconnected',
] as const satisfies readonly EventName[];

/** Events of Contra's profiles and jobs (the ContraEvents queue). */
export const CONTRA_EVENTS = [
  'profileUpdated',
  'profileDeleted',
  'jobPublished',
  'jobClosed',
] as const satisfies readonly EventName[];

export type LinkEventName = (typeof VIDEO_EVENTS)[number] | (typeof CONTRA_EVENTS)[number];

export const HealthBody = z.object({ status: z.literal('ok') });

/** A video's links as `GET /links/{platform}/{videoId}` answers them (CONTRACT §4). */
export const VideoLinksBody = z.object({
  platform,
  videoId: id,
  portfolio: z.object({ profileId: id, url: z.url() }).nullable(),
  apply: z.object({ jobId: id, url: z.url() }).nullable(),
});

const VideoPath = z.object({ platform, videoId: id });

const NO_LINK = 'an unknown platform, a malformed videoId, or no active link';

/** A tap's answers: 302 to the link's target, 404 without an active link, 503 when the tap could not be recorded. */
const tapAnswers = (active: string, location: string) => ({
  302: { description: active, headers: { location: { description: location, schema: z.url() } } },
  ...problems({ 404: NO_LINK, 503: 'the tap could not be recorded; try again' }),
});

export const LINKS_API = {
  'GET /health': {
    tag: 'links',
    summary: 'Liveness: reads no table and no secret',
    responses: { 200: { description: 'up', content: { 'application/json': HealthBody } } },
  },
  'GET /links/{platform}/{videoId}': {
    tag: 'links',
    summary: "A video's active links, evaluated now",
    description:
      'The portfolio url itself; a platform that wants the always-current target links to `…/portfolio` instead. Cached by the CDN for a few seconds.',
    path: VideoPath,
    responses: {
      200: { description: 'at least one link is active', content: { 'application/json': VideoLinksBody } },
      ...problems({ 404: NO_LINK }),
    },
  },
  'GET /links/{platform}/{videoId}/portfolio': {
    tag: 'links',
    summary: "Redirects to the video's portfolio link",
    description: 'A tap: counted in the owner’s funnel (`GET /profiles/me/funnel`) within 60 seconds.',
    path: VideoPath,
    responses: tapAnswers('the portfolio link is active', "the owner's portfolio url (normalized href)"),
  },
  'GET /links/{platform}/{videoId}/apply': {
    tag: 'links',
    summary: "Redirects to the video's Apply link, with `via`",
    description:
      'A tap: counted in the job’s funnel (`GET /employer/jobs/{jobId}/funnel`) within 60 seconds. `via` is `<platform>:<videoId>`, percent-encoded, split at the first `:`.',
    path: VideoPath,
    responses: tapAnswers('the Apply link is active', 'the job’s apply url with `?via=<platform>:<videoId>`'),
  },
} as const satisfies Operations;

export const LINKS_API_ROUTES = routeKeysOf(LINKS_API);
