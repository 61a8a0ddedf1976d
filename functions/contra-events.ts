import { EVENTS } from '#events/catalog.ts';
import { applyLinkEvent } from '#links/apply-event.ts';
import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { sqsConsumer } from '#shared/sqs-consumer.ts';

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
