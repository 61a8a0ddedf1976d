import { instantKeyOfDate } from '#shared/instant.ts';
import { count } from '#shared/observability.ts';
import { sweepAction } from './application.ts';
import { type ChangeDependencies, changeStatus } from './change-status.ts';

/** Applications looked at per run: bounded; the rest wait for the next minute. */
export const SWEEP_LIMIT = 200;

export interface SweepResult {
  readonly republished: number;
  readonly closedIdle: number;
}

/**
 * Every minute: the applications due now. A change whose events are still pending a minute on (its request
 * failed after writing) is published; an application that has not changed for a year while open is closed by
 * ReelHire. Each is re-read first (the due index is eventually consistent), so a duplicate run does nothing.
 */
export const sweepApplications = async (
  deps: ChangeDependencies,
  limit = SWEEP_LIMIT,
): Promise<SweepResult> => {
  const now = deps.now();
  const due = await deps.store.due(instantKeyOfDate(now), limit);
  let republished = 0;
  let closedIdle = 0;
  for (const { jobId, profileId } of due) {
    const application = await deps.store.find(jobId, profileId);
    if (!application) continue;
    switch (sweepAction(application, now)) {
      case 'publish':
        await deps.outbox.publishPending(application);
        republished++;
        break;
      case 'closeIdle':
        await changeStatus(deps, application, { status: 'closed', by: 'reelhire' });
        closedIdle++;
        break;
      case 'reschedule':
        await deps.store.reschedule(application);
        break;
    }
  }
  count('ApplicationChangesRepublished', republished);
  return { republished, closedIdle };
};
