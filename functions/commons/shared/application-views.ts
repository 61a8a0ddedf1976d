import * as z from 'zod';
import { applicationStatus, httpsUrl, id, statusNote, timestamp, videoRef } from '#events/fields.ts';

/**
 * An application as the API shows it (CONTRACT §6), to its applicant and to its employer: the applicant API and
 * the employer API describe their answers with these (`GET /openapi.json`), and applications/application.ts
 * builds the views as these types.
 */

/** Who set a status: the employer, the applicant, or ReelHire (`closed`). */
export const ACTORS = ['employer', 'applicant', 'reelhire'] as const;

/** One change of status; an application's history lists them oldest first. */
export const HistoryEntryBody = z.object({
  status: applicationStatus,
  at: timestamp,
  by: z.enum(ACTORS),
  note: statusNote.optional().describe('the employer’s note on the change, if any'),
});

/** As its applicant sees it (`GET /applications…`). */
export const ApplicantApplication = z.object({
  applicationId: id,
  jobId: id,
  jobTitle: z.string(),
  status: applicationStatus,
  history: z.array(HistoryEntryBody),
  via: videoRef.nullable().describe('the video the viewer applied from, or null'),
  submittedAt: timestamp,
  updatedAt: timestamp,
});
export type ApplicantApplication = z.infer<typeof ApplicantApplication>;

/** As its employer sees it (`GET /employer/applications…`): with the applicant as the application was submitted. */
export const EmployerApplication = ApplicantApplication.extend({
  applicant: z.object({ profileId: id, handle: z.string(), displayName: z.string(), portfolioUrl: httpsUrl }),
});
export type EmployerApplication = z.infer<typeof EmployerApplication>;
