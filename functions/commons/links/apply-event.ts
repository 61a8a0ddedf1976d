import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { PoisonMessageError } from '#shared/sqs-consumer.ts';
import { type Delivery, FIRST_DELIVERY } from './delivery.ts';
import { applyJobClosed, applyJobPublished } from './job-links.ts';
import type { LinkContext } from './link-context.ts';
import { applyProfileDeleted, applyProfileUpdated } from './profile-links.ts';
import { applyAccountDisconnected, applyVideoPosted, applyVideoRemoved } from './video-links.ts';

type LinkUseCase = (context: LinkContext, detail: unknown, delivery: Delivery) => Promise<void>;

/** Each event that changes links, parsed with its catalog schema and handed to its use case. */
const USE_CASES: Record<string, LinkUseCase> = {
  [EVENTS.videoPosted.detailType]: (context, detail, delivery) =>
    applyVideoPosted(context, parseDetail('videoPosted', detail), delivery),
  [EVENTS.videoRemoved.detailType]: (context, detail) =>
    applyVideoRemoved(context, parseDetail('videoRemoved', detail)),
  [EVENTS.accountDisconnected.detailType]: (context, detail) =>
    applyAccountDisconnected(context, parseDetail('accountDisconnected', detail)),
  [EVENTS.profileUpdated.detailType]: (context, detail) =>
    applyProfileUpdated(context, parseDetail('profileUpdated', detail)),
  [EVENTS.profileDeleted.detailType]: (context, detail) =>
    applyProfileDeleted(context, parseDetail('profileDeleted', detail)),
  [EVENTS.jobPublished.detailType]: (context, detail, delivery) =>
    applyJobPublished(context, parseDetail('jobPublished', detail), delivery),
  [EVENTS.jobClosed.detailType]: (context, detail, delivery) =>
    applyJobClosed(context, parseDetail('jobClosed', detail), delivery),
};

/**
 * Applies one link event. A detail that does not fit its schema throws EventSchemaError before anything is
 * written; a detail-type this function is not routed for is a poison message.
 */
export const applyLinkEvent = async (
  context: LinkContext,
  detailType: string,
  detail: unknown,
  accepted: ReadonlySet<string> = new Set(Object.keys(USE_CASES)),
  delivery: Delivery = FIRST_DELIVERY,
): Promise<void> => {
  const useCase = accepted.has(detailType) ? USE_CASES[detailType] : undefined;
  if (!useCase) throw new PoisonMessageError(`no link use case for "${detailType}" here`);
  await useCase(context, detail, delivery);
};
