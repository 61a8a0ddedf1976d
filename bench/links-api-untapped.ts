import type { FunnelLog } from '#funnel/funnel-log.ts';
import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';

/** Records nothing: the redirect as it was before the funnel. */
const NOTHING_RECORDED: FunnelLog = { record: async () => undefined, recordStep: async () => undefined };

/**
 * The bench's baseline (bench/funnel-taps.ts): the links function as it was before the funnel — the same
 * link reads and the same 302, with no record written — bundled as the stack bundles functions/links-api.ts
 * and swapped into the running links function for the baseline run.
 */
export const handler = createLinksApiHandler(linkContextFromEnvironment(), NOTHING_RECORDED);
