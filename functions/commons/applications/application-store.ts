import type { ApplicationStatus } from '#events/fields.ts';
import type { Application } from './application.ts';

/**
 * Where an application stands in a list, as the store pages through it: the index sort key of the last item
 * returned and that item's table key. The HTTP layer turns it into an opaque cursor and validates it back;
 * the partition always comes from the caller's identity, so a forged position can only move within the
 * caller's own list.
 */
export interface ListPosition {
  readonly sortKey: string;
  readonly jobId: string;
  readonly profileId: string;
}

export interface ApplicationPage {
  readonly applications: readonly Application[];
  /** Where the next page starts; undefined on the last page. */
  readonly next?: ListPosition;
}

export interface EmployerFilter {
  readonly jobId?: string;
  readonly status?: ApplicationStatus;
}

/** The application items (docs/data-model.md); every write is a single-item conditional write. */
export interface ApplicationStore {
  find(jobId: string, profileId: string): Promise<Application | undefined>;
  byId(applicationId: string): Promise<Application | undefined>;
  /** First writer wins: false when this profile already applied to this job. */
  create(application: Application): Promise<boolean>;
  /** Writes the changed application if the stored one is still at `expectedRevision`; false otherwise. */
  replace(application: Application, expectedRevision: number): Promise<boolean>;
  /** Records that every history entry's events are published (the outbox is empty), unless a newer change came. */
  markPublished(application: Application): Promise<void>;
  /** Puts the application back on the due index where nextDueAt says (a stale due entry). */
  reschedule(application: Application): Promise<void>;
  /** Marks the job's applications as closing (idempotent), before they are paged through. */
  startClosing(jobId: string, at: string): Promise<void>;
  closingStarted(jobId: string): Promise<boolean>;
  /** The job's applications in profile order, a page at a time (consistent reads). */
  jobPage(
    jobId: string,
    limit: number,
    afterProfileId?: string,
  ): Promise<{ readonly applications: readonly Application[]; readonly nextProfileId?: string }>;
  /** Applications whose due instant is at or before `nowKey` (instant key), at most `limit`. */
  due(nowKey: string, limit: number): Promise<{ readonly jobId: string; readonly profileId: string }[]>;
  byEmployer(
    employerId: string,
    filter: EmployerFilter,
    limit: number,
    after?: ListPosition,
  ): Promise<ApplicationPage>;
  byApplicant(profileId: string, limit: number, after?: ListPosition): Promise<ApplicationPage>;
}
