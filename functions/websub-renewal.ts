import type { Context } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { requireEnv } from '#shared/config.ts';
import { count, logger, metrics } from '#shared/observability.ts';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import {
  DEFAULT_RENEWAL_LIMITS,
  type RenewalPorts,
  type RenewalRun,
  renewDueSubscriptions,
} from '#websub/renewal.ts';

/**
 * Every hour: each YouTube channel whose WebSub lease ends within a day, or whose subscribe request was never
 * verified, is handed back to the subscription function to be subscribed again.
 */

/** Time kept back from the function's timeout to publish the page in hand and return. */
const RESERVE_MS = 10_000;

export const createRenewalHandler =
  (portsOf: () => RenewalPorts) =>
  async (_event: unknown, context?: Context): Promise<RenewalRun> => {
    try {
      const run = await renewDueSubscriptions(portsOf(), {
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

let defaultPorts: RenewalPorts | undefined;

const productionPorts = (): RenewalPorts => {
  defaultPorts ??= {
    channels: new DynamoChannelSubscriptions(documentClient(), requireEnv('TABLE_NAME')),
    publisher: busPublisher(),
    clock: () => new Date(),
  };
  return defaultPorts;
};

export const handler = createRenewalHandler(productionPorts);
