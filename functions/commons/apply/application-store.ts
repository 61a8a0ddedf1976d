import { randomUUID } from 'node:crypto';
import type { VideoRef } from '#events/fields.ts';

/** One application per profile and job, ever; its id is generated once, by the first writer. */
export interface ApplicationRecord {
  readonly applicationId: string;
  readonly jobId: string;
  readonly profileId: string;
  readonly submittedAt: string;
  readonly via?: VideoRef;
  /**
   * Set once the bus accepted Application Submitted. A crash between the write and the publish leaves it
   * unset, and the next request for the same application publishes again.
   */
  readonly published: boolean;
}

/** A new application's id. */
export const newApplicationId = (): string => `app_${randomUUID()}`;

export interface ApplicationStore {
  find(jobId: string, profileId: string): Promise<ApplicationRecord | undefined>;
  /** First writer wins: false when this profile already applied to this job. */
  create(application: ApplicationRecord): Promise<boolean>;
  markPublished(jobId: string, profileId: string): Promise<void>;
}
