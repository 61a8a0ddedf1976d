import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createVideoEventsHandler } from '#links/link-events-handler.ts';

/** Video Posted, Video Removed and Account Disconnected, in batches from the VideoEvents queue. */
export const handler = createVideoEventsHandler(linkContextFromEnvironment());
