import type { Context, ScheduledEvent } from 'aws-lambda';
import { linkContextFromEnvironment } from '#commons/links/from-environment.ts';
import { announceExpiredJobs } from '#commons/links/job-links.ts';
import { count, logger, metrics } from '#commons/observability.ts';

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
