import type { ApplicationSubmitted } from '#events/catalog.ts';
import type { VideoRef } from '#events/fields.ts';

/** The body POSTed to the employer (CONTRACT §4 "Notifications out"). */
export interface ApplicationReceived {
  readonly type: 'application.received';
  /** When the notification was first built; the same on every retry. */
  readonly timestamp: string;
  readonly data: {
    readonly applicationId: string;
    readonly jobId: string;
    readonly employerId: string;
    readonly jobTitle: string;
    readonly applicant: {
      readonly profileId: string;
      readonly handle: string;
      readonly displayName: string;
      readonly portfolioUrl: string;
    };
    readonly via: VideoRef | null;
    readonly submittedAt: string;
  };
}

export interface NotifiedJob {
  readonly jobId: string;
  readonly employerId: string;
  readonly title: string;
}

export interface Applicant {
  readonly profileId: string;
  readonly handle: string;
  readonly displayName: string;
  readonly portfolioUrl: string;
}

export const applicationReceived = (
  application: ApplicationSubmitted,
  job: NotifiedJob,
  applicant: Applicant,
  builtAt: Date,
): ApplicationReceived => ({
  type: 'application.received',
  timestamp: builtAt.toISOString(),
  data: {
    applicationId: application.applicationId,
    jobId: application.jobId,
    employerId: job.employerId,
    jobTitle: job.title,
    applicant: {
      profileId: applicant.profileId,
      handle: applicant.handle,
      displayName: applicant.displayName,
      portfolioUrl: applicant.portfolioUrl,
    },
    via: application.via ? { platform: application.via.platform, videoId: application.via.videoId } : null,
    submittedAt: application.submittedAt,
  },
});
