import * as z from 'zod';
import type { ApplicationSubmitted } from '#events/catalog.ts';
import { httpsUrl, id, timestamp, videoRef } from '#events/fields.ts';

/** The body POSTed to the employer (CONTRACT §4 "Notifications out"); `GET /openapi.json` describes it. */
export const ApplicationReceived = z.object({
  type: z.literal('application.received'),
  timestamp: timestamp.describe('when the notification was first built: the same on every retry'),
  data: z.object({
    applicationId: id,
    jobId: id,
    employerId: id,
    jobTitle: z.string(),
    applicant: z.object({
      profileId: id,
      handle: z.string(),
      displayName: z.string(),
      portfolioUrl: httpsUrl,
    }),
    via: videoRef.nullable().describe('the video the viewer applied from, or null'),
    submittedAt: timestamp,
  }),
});
export type ApplicationReceived = z.infer<typeof ApplicationReceived>;

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
