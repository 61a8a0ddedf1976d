import { randomUUID } from 'node:crypto';
import type { ApplyRequestBody } from '#apply/apply-request.ts';
import { EVENTS } from '#events/catalog.ts';
import { giveBack, takeSlot } from '#shared/apply-limits.ts';
import { type EntityReader, isLiveProfile, type JobRecord } from '#shared/entities.ts';
import { jobStatus } from '#shared/job-status.ts';
import { count } from '#shared/observability.ts';
import { type Application, submitted, viaOfJob } from './application.ts';
import type { ApplySlotStore } from './apply-slot-store.ts';
import type { ClosingDependencies } from './close-job-applications.ts';

/** A new application's id. */
export const newApplicationId = (): string => `app_${randomUUID()}`;

export interface SubmissionDependencies extends ClosingDependencies {
  readonly entities: EntityReader;
  readonly newApplicationId: () => string;
  readonly slots: ApplySlotStore;
}

export interface ApplyCommand {
  readonly jobId: string;
  /** The verified token's subject. */
  readonly profileId: string;
  readonly body: ApplyRequestBody;
}

export type ApplyOutcome =
  | { readonly kind: 'submitted'; readonly isNew: boolean; readonly application: Application }
  | { readonly kind: 'unknownJob' }
  | { readonly kind: 'closedJob' }
  | { readonly kind: 'badBody'; readonly problem: string }
  | { readonly kind: 'unknownProfile' }
  | { readonly kind: 'overLimit'; readonly retryAfterSeconds: number };

/**
 * A viewer applies to a job with their own profile (CONTRACT §4 "Applying"). Checks in the contract's order
 * (unknown job, closed job, bad body, unknown profile, apply limits), except that a repeat of an existing application is
 * answered as such, with its current status, even if the job closed since. One application per profile and
 * job, ever: it keeps the job's title, employer and notifyUrl and the applicant's profile as they are now.
 */
export class ApplicationSubmissions {
  constructor(private readonly deps: SubmissionDependencies) {}

  async submit(command: ApplyCommand): Promise<ApplyOutcome> {
    const { deps } = this;
    const now = deps.now();
    const status = jobStatus(await deps.entities.job(command.jobId), now);
    if (status.kind === 'unknown') return { kind: 'unknownJob' };

    const existing = await deps.store.find(command.jobId, command.profileId);
    if (existing) {
      if (!command.body.valid) return { kind: 'badBody', problem: command.body.problem };
      return this.repeat(existing);
    }
    if (status.kind === 'closed') return { kind: 'closedJob' };
    if (!command.body.valid) return { kind: 'badBody', problem: command.body.problem };
    const { job } = status;
    // jobStatus knows an open job has its employer and title; its notifyUrl comes with them (Job Published).
    if (!job.employerId || job.title === undefined || !job.notifyUrl) return { kind: 'unknownJob' };
    const profile = await deps.entities.profile(command.profileId);
    if (!isLiveProfile(profile)) return { kind: 'unknownProfile' };

    // The slot is taken BEFORE the application is written: a crash between the two costs the profile a slot,
    // and no order of the two writes can grant one more than the limits allow.
    const decision = await deps.slots.change(command.profileId, (slots) => {
      const taken = takeSlot(slots, now);
      return { ...(taken.kind === 'taken' ? { slots: taken.slots } : {}), result: taken };
    });
    if (decision.kind === 'refused') {
      count('ApplicationsOverLimit');
      return { kind: 'overLimit', retryAfterSeconds: decision.retryAfterSeconds };
    }

    const via = viaOfJob(command.body.via, job);
    const application = submitted({
      applicationId: deps.newApplicationId(),
      jobId: command.jobId,
      profileId: command.profileId,
      employerId: job.employerId,
      jobTitle: job.title,
      notifyUrl: job.notifyUrl,
      applicant: {
        profileId: profile.profileId,
        handle: profile.handle,
        displayName: profile.displayName,
        portfolioUrl: profile.portfolioUrl,
      },
      ...(via ? { via } : {}),
      submittedAt: now.toISOString(),
    });
    if (!(await deps.store.create(application))) {
      // A concurrent request for the same profile and job won: answer with its application, and give back the
      // slot this one took (the repeat of an application is never counted).
      await deps.slots.change(command.profileId, (slots) => ({
        slots: giveBack(slots, decision.slot),
        result: undefined,
      }));
      const winner = await deps.store.find(command.jobId, command.profileId);
      if (!winner) throw new Error(`application of ${command.profileId} to ${command.jobId} vanished`);
      return this.repeat(winner);
    }
    await deps.outbox.publishPending(application);
    count('ApplicationsSubmitted');
    await this.closeIfJobClosedMeanwhile(job);
    return { kind: 'submitted', isNew: true, application };
  }

  /** A repeat answers with the stored application, publishing first what a failed request left pending. */
  private async repeat(application: Application): Promise<ApplyOutcome> {
    await this.deps.outbox.publishPending(application);
    return { kind: 'submitted', isNew: false, application };
  }

  /**
   * The job may have closed between its check and the write. Closing marks the job before paging through its
   * applications, and this reads the mark after writing: one of the two sees the other, so no application of a
   * closed job stays open.
   */
  private async closeIfJobClosedMeanwhile(job: JobRecord): Promise<void> {
    const { deps } = this;
    const expired = jobStatus(job, deps.now()).kind === 'closed';
    if (!expired && !(await deps.store.closingStarted(job.jobId))) return;
    await deps.publisher.publish([
      {
        origin: 'api',
        detailType: EVENTS.applicationsClosingRequested.detailType,
        detail: { jobId: job.jobId },
      },
    ]);
  }
}
