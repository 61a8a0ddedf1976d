import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import { numberField } from '../json.ts';

/** Lambda keeps this many of an account's concurrent executions unreserved, whatever the functions reserve. */
export const MIN_UNRESERVED_CONCURRENCY = 100;

/** A new account's concurrency quota in a region, until a raise is granted (Service Quotas can say otherwise). */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1_000;

/** The environment variable that tells the local runtime the account's (raised) concurrency quota. */
export const ACCOUNT_CONCURRENCY_VARIABLE = 'REELHIRE_ACCOUNT_CONCURRENCY';

/**
 * What Lambda refuses at deploy: reservations that would leave the account fewer than 100 unreserved executions.
 * The local runtime refuses the same template, so that a setting that would fail `cdk deploy` on the account
 * (`viralTapsPerSecond` before its quota raise, docs/deploy.md §9b) fails `npm start` too, with Lambda's reason.
 * Returns the executions reserved; throws naming them and the quota.
 */
export const checkAccountConcurrency = (
  resources: readonly ResolvedResource[],
  env: Readonly<Record<string, string | undefined>>,
): number => {
  const configured = env[ACCOUNT_CONCURRENCY_VARIABLE];
  const quota =
    configured === undefined || configured.trim() === '' ? DEFAULT_ACCOUNT_CONCURRENCY : Number(configured);
  if (!Number.isSafeInteger(quota) || quota < MIN_UNRESERVED_CONCURRENCY) {
    throw new Error(
      `${ACCOUNT_CONCURRENCY_VARIABLE} must be a whole number of at least ${MIN_UNRESERVED_CONCURRENCY}`,
    );
  }
  const reserved = ofType(resources, 'AWS::Lambda::Function').reduce(
    (sum, fn) => sum + (numberField(fn.properties, 'ReservedConcurrentExecutions') ?? 0),
    0,
  );
  if (quota - reserved < MIN_UNRESERVED_CONCURRENCY) {
    throw new Error(
      `the functions reserve ${reserved} concurrent executions, which decreases the account's unreserved concurrency ` +
        `below its minimum value of ${MIN_UNRESERVED_CONCURRENCY} (account quota ${quota}; Lambda refuses this ` +
        `deploy): raise the account's quota to at least ${reserved + MIN_UNRESERVED_CONCURRENCY} and set ` +
        `${ACCOUNT_CONCURRENCY_VARIABLE} to it (docs/deploy.md §9)`,
    );
  }
  return reserved;
};
