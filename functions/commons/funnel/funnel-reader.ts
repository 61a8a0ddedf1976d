import type { Platform } from '#events/fields.ts';

/** A video's count of one kind of funnel record. */
export interface VideoCount {
  readonly platform: Platform;
  readonly videoId: string;
  readonly count: number;
}

/**
 * Reads counts from the funnel log: distinct record ids, so a record delivered twice counts once. The employer
 * funnel adds `jobFunnel(jobId, since)` here (apply taps, page views, applications, hires per via) once the
 * employer API lands.
 */
export interface FunnelReader {
  portfolioTaps(profileId: string): Promise<VideoCount[]>;
}
