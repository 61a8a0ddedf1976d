import type { JobRecord } from './entities.ts';
import { compareInstants } from './instant.ts';

/** A job as applying sees it: unknown, open, or closed (Job Closed seen, or `closesAt` reached). */
export type JobStatus =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'open' | 'closed'; readonly job: JobRecord };

export const jobStatus = (job: JobRecord | undefined, now: Date): JobStatus => {
  if (!job) return { kind: 'unknown' };
  if (job.closed) return { kind: 'closed', job };
  // A job item that is neither closed nor published is not one a viewer can have seen: unknown, not open.
  if (!job.employerId || job.title === undefined) return { kind: 'unknown' };
  // closesAt is an instant: at that very moment the job stops being live (CONTRACT §3).
  if (job.closesAt !== undefined && compareInstants(job.closesAt, now.toISOString()) <= 0) {
    return { kind: 'closed', job };
  }
  return { kind: 'open', job };
};
