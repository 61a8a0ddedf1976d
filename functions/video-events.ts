import { EVENTS } from '#events/catalog.ts';
import { applyLinkEvent } from '#links/apply-event.ts';
import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { sqsConsumer } from '#shared/sqs-consumer.ts';

const links = linkContextFromEnvironment();
const ACCEPTED = new Set([
  EVENTS.videoPosted.detailType,
  EVENTS.videoRemoved.detailType,
  EVENTS.accountDisconnected.detailType,
]);

/** Video Posted, Video Removed and Account Disconnected, in batches from the VideoEvents queue. */
export const handler = sqsConsumer((event, { attempt }) =>
  applyLinkEvent(links, event['detail-type'], event.detail, ACCEPTED, { redelivered: attempt > 1 }),
);
