import type { Context, ScheduledEvent } from 'aws-lambda';
import { count, logger, metrics } from '#shared/observability.ts';
import { announceExpiredJobs } from './job-links.ts';
import type { LinkContext } from './link-context.ts';

/** Every minute: announces the apply links of jobs whose `closesAt` has passed since the last run. */
export const createJobExpiryHandler =
  (links: LinkContext) =>
  async (event: ScheduledEvent, context: Context): Promise<{ jobs: number }> => {
    logger.addContext(context);
    logger.appendKeys({ correlationId: event.id });
    try {
      const jobs = await announceExpiredJobs(links);
      count('JobsExpired', jobs);
      return { jobs };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
