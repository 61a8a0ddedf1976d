import type { JobFunnel } from '#employers/routes.ts';
import type { Platform, VideoRef } from '#events/fields.ts';
import type { JobFunnelKind } from './funnel-record.ts';

/** A video's count of one kind of funnel record. */
export interface VideoCount {
  readonly platform: Platform;
  readonly videoId: string;
  readonly count: number;
}

/** A job's count of one kind of record for one video, or for those that named none (`video` undefined). */
export interface JobStepCount {
  readonly kind: JobFunnelKind;
  readonly video: VideoRef | undefined;
  readonly count: number;
}

/** Reads counts from the funnel log: distinct record ids, so a record delivered twice counts once. */
export interface FunnelReader {
  portfolioTaps(profileId: string): Promise<VideoCount[]>;
  /** The job's funnel (CONTRACT §8) since `since` (its publication). */
  jobFunnel(jobId: string, since: Date): Promise<JobFunnel>;
}
