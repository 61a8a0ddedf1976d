import { announceAccountPage } from '#links/fanout.ts';
import type { LinkContext } from '#links/link-context.ts';
import type { RecordingPublisher } from '../support/recording-publisher.ts';

/** Runs every fan-out page requested on `publisher`, as the LinkFanout queue would, until none is left. */
export const drainFanouts = async (links: LinkContext, publisher: RecordingPublisher): Promise<void> => {
  const fanouts = () => publisher.detailsOf('linkFanoutRequested');
  for (let handled = 0; handled < fanouts().length; handled++) {
    await announceAccountPage(links, fanouts()[handled]!);
  }
};
