import { type ApplicationSubmitted, EVENTS } from '#events/catalog.ts';
import type { EntityReader } from '#shared/entities.ts';
import { isLiveProfile } from '#shared/entities.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import { count } from '#shared/observability.ts';
import type { ApplicationRecord, ApplicationStore } from './application-store.ts';
import { type ApplyRequestBody, viaOfJob } from './apply-request.ts';
import { jobStatus } from './job-status.ts';

export interface ApplyDependencies {
  readonly entities: EntityReader;
  readonly applications: ApplicationStore;
  readonly publisher: EventPublisher;
  readonly now: () => Date;
  readonly newApplicationId: () => string;
}

export interface ApplyCommand {
  readonly jobId: string;
  /** The verified token's subject. */
  readonly profileId: string;
  readonly body: ApplyRequestBody;
}

export type ApplyOutcome =
  | { readonly kind: 'submitted'; readonly isNew: boolean; readonly application: ApplicationRecord }
  | { readonly kind: 'unknownJob' }
  | { readonly kind: 'closedJob' }
  | { readonly kind: 'badBody'; readonly problem: string }
  | { readonly kind: 'unknownProfile' };

const announce = async (application: ApplicationRecord, deps: ApplyDependencies): Promise<void> => {
  const detail: ApplicationSubmitted = {
    applicationId: application.applicationId,
    jobId: application.jobId,
    profileId: application.profileId,
    submittedAt: application.submittedAt,
    ...(application.via ? { via: application.via } : {}),
  };
  await deps.publisher.publish([
    {
      origin: 'api',
      detailType: EVENTS.applicationSubmitted.detailType,
      detail,
      time: new Date(application.submittedAt),
    },
  ]);
  await deps.applications.markPublished(application.jobId, application.profileId);
};

/** A repeat answers with the stored application, publishing it first if the first request crashed before. */
const repeat = async (application: ApplicationRecord, deps: ApplyDependencies): Promise<ApplyOutcome> => {
  if (!application.published) await announce(application, deps);
  return { kind: 'submitted', isNew: false, application };
};

/**
 * A viewer applies to a job with their own profile (CONTRACT §4 "Applying"). Checks in the contract's order
 * (unknown job, closed job, bad body, unknown profile), except that a repeat of an existing application is
 * answered as such even if the job closed since. One application per profile and job, ever.
 */
export const submitApplication = async (
  command: ApplyCommand,
  deps: ApplyDependencies,
): Promise<ApplyOutcome> => {
  const now = deps.now();
  const status = jobStatus(await deps.entities.job(command.jobId), now);
  if (status.kind === 'unknown') return { kind: 'unknownJob' };

  const existing = await deps.applications.find(command.jobId, command.profileId);
  if (existing) {
    if (!command.body.valid) return { kind: 'badBody', problem: command.body.problem };
    return repeat(existing, deps);
  }
  if (status.kind === 'closed') return { kind: 'closedJob' };
  if (!command.body.valid) return { kind: 'badBody', problem: command.body.problem };
  if (!isLiveProfile(await deps.entities.profile(command.profileId))) return { kind: 'unknownProfile' };

  const via = viaOfJob(command.body.via, status.job);
  const application: ApplicationRecord = {
    applicationId: deps.newApplicationId(),
    jobId: command.jobId,
    profileId: command.profileId,
    submittedAt: now.toISOString(),
    ...(via ? { via } : {}),
    published: false,
  };
  if (!(await deps.applications.create(application))) {
    // A concurrent request for the same profile and job won: answer with its application.
    const winner = await deps.applications.find(command.jobId, command.profileId);
    if (!winner) throw new Error(`application of ${command.profileId} to ${command.jobId} vanished`);
    return repeat(winner, deps);
  }
  await announce(application, deps);
  count('ApplicationsSubmitted');
  return { kind: 'submitted', isNew: true, application };
};
