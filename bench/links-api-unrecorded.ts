import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';
import { NOTHING_RECORDED } from './nothing-recorded.ts';

/**
 * The bench's context run (bench/funnel-taps.ts): today's links function, its tap reads included (a hot video's
 * items read about once a second), with no record written: recorded taps against it price the PutRecord alone.
 */
export const handler = createLinksApiHandler(linkContextFromEnvironment(), NOTHING_RECORDED);
