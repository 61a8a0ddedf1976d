import type { Context } from 'aws-lambda';
import { count, logger, metrics } from '#shared/observability.ts';
import {
  DEFAULT_RENEWAL_LIMITS,
  type RenewalPorts,
  type RenewalRun,
  renewDueSubscriptions,
} from './renewal.ts';

/**
 * Every hour: each YouTube channel whose WebSub lease ends within a day, or whose subscribe request was never
 * verified, is handed back to the subscription function to be subscribed again.
 */

/** Time kept back from the function's timeout to publish the page in hand and return. */
const RESERVE_MS = 10_000;

export const createWebSubRenewalHandler =
  (ports: RenewalPorts) =>
  async (_event: unknown, context?: Context): Promise<RenewalRun> => {
    try {
      const run = await renewDueSubscriptions(ports, {
        ...DEFAULT_RENEWAL_LIMITS,
        ...(typeof context?.getRemainingTimeInMillis === 'function'
          ? { hasTime: () => context.getRemainingTimeInMillis() > RESERVE_MS }
          : {}),
      });
      count('WebSubRenewalsRequested', run.channels);
      logger.info('websub renewal run', { ...run });
      return run;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
