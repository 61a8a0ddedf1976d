import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger, metrics } from '#shared/observability.ts';
import type { ChangeDependencies } from './change-status.ts';
import { type SweepResult, sweepApplications } from './sweep.ts';

/** Every minute: publishes changes a failed request left pending, and closes applications idle for a year. */
export const createApplicationSweepHandler =
  (deps: ChangeDependencies) =>
  async (event: ScheduledEvent, context: Context): Promise<SweepResult> => {
    logger.addContext(context);
    logger.appendKeys({ correlationId: event.id });
    try {
      return await sweepApplications(deps);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
