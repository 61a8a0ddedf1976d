import { creatorFunnelStartFromEnvironment } from '#funnel/start-from-environment.ts';
import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createContraEventsHandler } from '#links/link-events-handler.ts';

/** Profile Updated / Deleted and Job Published / Closed, from the ContraEvents queue. */
export const handler = createContraEventsHandler(
  linkContextFromEnvironment({ creatorFunnels: creatorFunnelStartFromEnvironment() }),
);
