import type { Platform } from '#events/fields.ts';

/**
 * One line of the funnel log (CONTRACT §8): a tap (an answered 302 of `/portfolio` or `/apply`), an apply page
 * view (a 200 of `GET /jobs/{jobId}/apply`). `id` is the API request id: the log is delivered at least once, so
 * counts are COUNT(DISTINCT id) and a record delivered twice is counted once. Applications and hires join the
 * same log with their application ids (kinds `application`, `hired`) once the employer API lands.
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
      readonly kind: 'applyPageView';
      readonly id: string;
      readonly at: string;
      readonly jobId: string;
      /** The video named by the page's `via`, when it names one. */
      readonly platform: Platform | null;
      readonly videoId: string | null;
    };

export type FunnelKind = FunnelRecord['kind'];

/** One record as one line of JSON: what Firehose concatenates into the S3 objects the queries read. */
export const funnelLine = (record: FunnelRecord): string => `${JSON.stringify(record)}\n`;
