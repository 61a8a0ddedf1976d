import type { MetricName } from '#shared/metric-names.ts';
import { count } from '#shared/observability.ts';
import { type Application, type ChangeDecision, decideChange, type StatusChange } from './application.ts';
import type { ApplicationStore } from './application-store.ts';
import type { ApplicationOutbox } from './outbox.ts';

export interface ChangeDependencies {
  readonly store: ApplicationStore;
  readonly outbox: ApplicationOutbox;
  readonly now: () => Date;
}

const METRIC_OF: Partial<Record<StatusChange['status'], MetricName>> = {
  withdrawn: 'ApplicationsWithdrawn',
  closed: 'ApplicationsClosed',
};

/** Concurrent writers on one application retry on the revision they lost to; this many tries is a conflict storm. */
const MAX_TRIES = 10;

/** Thrown when the application vanished under a writer (it never does: applications are never deleted). */
export class ApplicationVanishedError extends Error {
  override readonly name = 'ApplicationVanishedError';
}

/**
 * Sets a status on an application: decided on the stored record, written conditionally on its revision
 * (a writer that lost re-reads and decides again, so a final status set concurrently wins for good), then
 * published through the outbox.
 */
export const changeStatus = async (
  deps: ChangeDependencies,
  application: Application,
  change: Omit<StatusChange, 'at'>,
): Promise<ChangeDecision> => {
  let current = application;
  for (let tries = 1; ; tries++) {
    const decision = decideChange(current, { ...change, at: deps.now().toISOString() });
    // Nothing changes, nothing is published: what an earlier failed request left pending is the sweep's.
    if (decision.kind !== 'changed') return decision;
    if (await deps.store.replace(decision.application, current.revision)) {
      await deps.outbox.publishPending(decision.application);
      count(METRIC_OF[change.status] ?? 'ApplicationStatusesChanged');
      return decision;
    }
    if (tries >= MAX_TRIES) {
      throw new Error(`application ${current.applicationId}: ${MAX_TRIES} conflicting writes in a row`);
    }
    const reread = await deps.store.find(current.jobId, current.profileId);
    if (!reread) throw new ApplicationVanishedError(`application ${current.applicationId} vanished`);
    current = reread;
  }
};
