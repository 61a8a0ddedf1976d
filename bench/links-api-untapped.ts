import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';
import { NOTHING_RECORDED } from './nothing-recorded.ts';

const links = linkContextFromEnvironment();

/**
 * The bench's baseline (bench/funnel-taps.ts): the links function as it was before the funnel, the redirect the
 * issue compares taps with. Every request reads the table (the video's partition, its account item), as a tap did
 * before the hot reads, and answers the same 302 with no record written. Bundled as the stack bundles
 * functions/links-api.ts and swapped into the running links function for the baseline run.
 */
export const handler = createLinksApiHandler(links, NOTHING_RECORDED, links);
