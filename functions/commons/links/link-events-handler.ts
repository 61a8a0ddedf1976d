import { sqsConsumer } from '#shared/sqs-consumer.ts';
import { applyLinkEvent } from './apply-event.ts';
import type { LinkContext } from './link-context.ts';
import { CONTRA_EVENTS, type LinkEventName, VIDEO_EVENTS } from './routes.ts';

/** A queue's link events, in batches: each applied by its use case; a redelivery may finish an earlier attempt. */
const linkEventsHandler = (links: LinkContext, accepted: readonly LinkEventName[]) =>
  sqsConsumer((event, { attempt }) =>
    applyLinkEvent(links, event['detail-type'], event.detail, accepted, { redelivered: attempt > 1 }),
  );

/** Video Posted, Video Removed and Account Disconnected, from the VideoEvents queue. */
export const createVideoEventsHandler = (links: LinkContext) => linkEventsHandler(links, VIDEO_EVENTS);

/** Profile Updated / Deleted and Job Published / Closed, from the ContraEvents queue. */
export const createContraEventsHandler = (links: LinkContext) => linkEventsHandler(links, CONTRA_EVENTS);
