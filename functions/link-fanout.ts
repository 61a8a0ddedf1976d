import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createLinkFanoutHandler } from '#links/link-fanout-handler.ts';

/** One page (≤ 100 videos) of an account's portfolio-link announcement per message. */
export const handler = createLinkFanoutHandler(linkContextFromEnvironment());
