import type { EventName } from '#events/catalog.ts';

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

export const LINKS_API_ROUTES = [
  'GET /health',
  'GET /links/{platform}/{videoId}',
  'GET /links/{platform}/{videoId}/portfolio',
] as const;
