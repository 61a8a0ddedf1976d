import { applyLinkEvent } from '#commons/links/apply-event.ts';
import { linkContextFromEnvironment } from '#commons/links/from-environment.ts';
import { sqsConsumer } from '#commons/sqs-consumer.ts';
import { EVENTS } from '#events/catalog.ts';

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
