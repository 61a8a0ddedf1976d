import type { Context, ScheduledEvent } from 'aws-lambda';
import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { announceExpiredJobs } from '#links/job-links.ts';
import { count, logger, metrics } from '#shared/observability.ts';

const links = linkContextFromEnvironment();

/** Every minute: announces the apply links of jobs whose `closesAt` has passed since the last run. */
export const handler = async (event: ScheduledEvent, context: Context): Promise<{ jobs: number }> => {
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
