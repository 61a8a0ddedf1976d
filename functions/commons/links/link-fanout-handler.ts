import { parseDetail } from '#events/parse.ts';
import { PoisonMessageError, sqsConsumer } from '#shared/sqs-consumer.ts';
import { announceAccountPage, InvalidCursorError } from './fanout.ts';
import type { LinkContext } from './link-context.ts';

/** One page (≤ 100 videos) of an account's portfolio-link announcement per message. */
export const createLinkFanoutHandler = (links: LinkContext) =>
  sqsConsumer(async (event) => {
    try {
      await announceAccountPage(links, parseDetail('linkFanoutRequested', event.detail));
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new PoisonMessageError(error.message);
      throw error;
    }
  });
