import { parseDetail } from '#events/parse.ts';
import { announceAccountPage, InvalidCursorError } from '#links/fanout.ts';
import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { PoisonMessageError, sqsConsumer } from '#shared/sqs-consumer.ts';

const links = linkContextFromEnvironment();

/** One page (≤ 100 videos) of an account's portfolio-link announcement per message. */
export const handler = sqsConsumer(async (event) => {
  try {
    await announceAccountPage(links, parseDetail('linkFanoutRequested', event.detail));
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new PoisonMessageError(error.message);
    throw error;
  }
});
