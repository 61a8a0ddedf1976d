import type { Platform, VideoRef } from '#events/fields.ts';

/**
 * One line of the funnel log (CONTRACT §8): a tap (an answered 302 of `/portfolio` or `/apply`), an apply page
 * view (a 200 of `GET /jobs/{jobId}/apply`), an application, a hire. `id` is the API request id of a tap or a
 * page view, the application id of an application or a hire: the log is delivered at least once and a record
 * may be written again on a retry, so counts are COUNT(DISTINCT id) and each is counted once. Nothing is ever
 * taken out of the log, so counts stay through withdrawal, closing and erasure.
 */
export type FunnelRecord =
  | {
      readonly kind: 'portfolioTap';
      readonly id: string;
      readonly at: string;
      readonly platform: Platform;
      readonly videoId: string;
      readonly profileId: string;
    }
  | {
      readonly kind: 'applyTap';
      readonly id: string;
      readonly at: string;
      readonly platform: Platform;
      readonly videoId: string;
      readonly jobId: string;
    }
  | {
      readonly kind: JobStepKind;
      readonly id: string;
      readonly at: string;
      readonly jobId: string;
      /** The video named by the page's or the application's `via`, when it names one. */
      readonly platform: Platform | null;
      readonly videoId: string | null;
    };

/** The steps of a job's funnel after the tap, each with or without the video that brought it. */
export const JOB_STEP_KINDS = ['applyPageView', 'application', 'hired'] as const;
export type JobStepKind = (typeof JOB_STEP_KINDS)[number];

/** What a job's funnel counts: the taps on its Apply links, then the steps. */
export const JOB_FUNNEL_KINDS = ['applyTap', ...JOB_STEP_KINDS] as const;
export type JobFunnelKind = (typeof JOB_FUNNEL_KINDS)[number];

export const isJobFunnelKind = (value: string | undefined): value is JobFunnelKind =>
  (JOB_FUNNEL_KINDS as readonly (string | undefined)[]).includes(value);

/** A step of a job's funnel as the handlers know it: the video is the `via`'s, if any. */
export interface JobStep {
  readonly kind: JobStepKind;
  readonly id: string;
  readonly at: string;
  readonly jobId: string;
  readonly via?: VideoRef | null;
}

/** A job's step as a funnel record. */
export const jobStepRecord = (step: JobStep): FunnelRecord => ({
  kind: step.kind,
  id: step.id,
  at: step.at,
  jobId: step.jobId,
  platform: step.via?.platform ?? null,
  videoId: step.via?.videoId ?? null,
});

export type FunnelKind = FunnelRecord['kind'];

/** One record as one line of JSON: what Firehose concatenates into the S3 objects the queries read. */
export const funnelLine = (record: FunnelRecord): string => `${JSON.stringify(record)}\n`;
