import { applyLinkEvent } from '#commons/links/apply-event.ts';
import { linkContextFromEnvironment } from '#commons/links/from-environment.ts';
import { sqsConsumer } from '#commons/sqs-consumer.ts';
import { EVENTS } from '#events/catalog.ts';

const links = linkContextFromEnvironment();
const ACCEPTED = new Set([
  EVENTS.profileUpdated.detailType,
  EVENTS.profileDeleted.detailType,
  EVENTS.jobPublished.detailType,
  EVENTS.jobClosed.detailType,
]);

/** Profile Updated / Deleted and Job Published / Closed, from the ContraEvents queue. */
export const handler = sqsConsumer((event, { attempt }) =>
  applyLinkEvent(links, event['detail-type'], event.detail, ACCEPTED, { redelivered: attempt > 1 }),
);
