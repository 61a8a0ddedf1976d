import { type DetailOf, eventNameOf } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { PoisonMessageError } from '#shared/sqs-consumer.ts';
import { type Delivery, FIRST_DELIVERY } from './delivery.ts';
import { applyJobClosed, applyJobPublished } from './job-links.ts';
import type { LinkContext } from './link-context.ts';
import { applyProfileDeleted, applyProfileUpdated } from './profile-links.ts';
import { CONTRA_EVENTS, type LinkEventName, VIDEO_EVENTS } from './routes.ts';
import { applyAccountDisconnected, applyVideoPosted, applyVideoRemoved } from './video-links.ts';

type LinkUseCases = {
  readonly [Name in LinkEventName]: (
    context: LinkContext,
    detail: DetailOf<Name>,
    delivery: Delivery,
  ) => Promise<void>;
};

/** The use case of each event that changes links. */
const USE_CASES: LinkUseCases = {
  videoPosted: applyVideoPosted,
  videoRemoved: (context, detail) => applyVideoRemoved(context, detail),
  accountDisconnected: (context, detail) => applyAccountDisconnected(context, detail),
  profileUpdated: (context, detail) => applyProfileUpdated(context, detail),
  profileDeleted: (context, detail) => applyProfileDeleted(context, detail),
  jobPublished: applyJobPublished,
  jobClosed: applyJobClosed,
};

const LINK_EVENTS: readonly LinkEventName[] = [...VIDEO_EVENTS, ...CONTRA_EVENTS];

/** Parses the detail with its catalog schema (EventSchemaError before anything is written), then applies it. */
const apply = <Name extends LinkEventName>(
  name: Name,
  context: LinkContext,
  detail: unknown,
  delivery: Delivery,
): Promise<void> => USE_CASES[name](context, parseDetail(name, detail), delivery);

/**
 * Applies one link event. A detail that does not fit its schema throws EventSchemaError before anything is
 * written; a detail-type outside `accepted` (the events routed to the calling function) is a poison message.
 */
export const applyLinkEvent = async (
  context: LinkContext,
  detailType: string,
  detail: unknown,
  accepted: readonly LinkEventName[] = LINK_EVENTS,
  delivery: Delivery = FIRST_DELIVERY,
): Promise<void> => {
  const name = accepted.find((candidate) => candidate === eventNameOf(detailType));
  if (name === undefined) throw new PoisonMessageError(`no link use case for "${detailType}" here`);
  await apply(name, context, detail, delivery);
};
