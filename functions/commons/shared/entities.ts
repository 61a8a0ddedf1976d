import type { AccountRef, VideoRef } from '#events/fields.ts';

/**
 * The stored shapes of the entities other functions read. Writers are the link handlers (contra-events);
 * readers (the apply flow, the notifier) only ever see the latest version a writer accepted.
 */

/** Latest accepted version of a profile, or its tombstone. */
export interface ProfileRecord {
  readonly profileId: string;
  readonly version: number;
  /** Absent on a tombstone whose profile was never seen updated. */
  readonly handle?: string;
  readonly displayName?: string;
  readonly portfolioUrl?: string;
  readonly showPortfolioLink?: boolean;
  readonly linkedAccounts?: readonly AccountRef[];
  readonly updatedAt?: string;
  /** Profile Deleted is final. */
  readonly deleted?: boolean;
}

/** Latest accepted version of a job, or its tombstone. */
export interface JobRecord {
  readonly jobId: string;
  readonly version: number;
  /** Absent when the job is only known as closed. */
  readonly employerId?: string;
  readonly title?: string;
  readonly notifyUrl?: string;
  readonly videos?: readonly VideoRef[];
  readonly publishedAt?: string;
  readonly closesAt?: string;
  /** Job Closed is final. */
  readonly closed?: boolean;
}

/** A live profile: seen updated and not deleted. */
export const isLiveProfile = (
  profile: ProfileRecord | undefined,
): profile is ProfileRecord & Required<Pick<ProfileRecord, 'handle' | 'displayName' | 'portfolioUrl'>> =>
  profile !== undefined && !profile.deleted && profile.portfolioUrl !== undefined;

/** Reads of the latest accepted profile and job (a writer's latest version, or its tombstone). */
export interface EntityReader {
  job(jobId: string): Promise<JobRecord | undefined>;
  profile(profileId: string): Promise<ProfileRecord | undefined>;
}
