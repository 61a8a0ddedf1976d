import fc from 'fast-check';
import { ApplicantApplications } from '#applications/applicant-applications.ts';
import type { Application } from '#applications/application.ts';
import type { ChangeDependencies } from '#applications/change-status.ts';
import type { ClosingDependencies } from '#applications/close-job-applications.ts';
import { DynamoApplications } from '#applications/dynamo-applications.ts';
import { DynamoApplySlots } from '#applications/dynamo-apply-slots.ts';
import { EmployerApplications } from '#applications/employer-applications.ts';
import { ApplicationOutbox } from '#applications/outbox.ts';
import { ApplicationSubmissions, newApplicationId } from '#applications/submit-application.ts';
import { DynamoEntityReader } from '#links/dynamo-entities.ts';
import type { LocalDynamo } from '../../local/testing/dynalite.ts';
import { putJob, putProfile, uniqueId } from './entities.ts';
import { RecordingPublisher } from './recording-publisher.ts';

/** A clock the test moves. */
export class TestClock {
  constructor(private instant = new Date('2026-11-21T18:30:00.000Z')) {}
  readonly now = (): Date => new Date(this.instant);
  advance(milliseconds: number): void {
    this.instant = new Date(this.instant.getTime() + milliseconds);
  }
}

/**
 * The application use cases over one dynalite table, as the functions wire them: a recording bus that
 * validates every event against the catalog, and a clock the test moves.
 */
export const applicationsWorld = (dynamo: LocalDynamo, tableName: string) => {
  const clock = new TestClock();
  const publisher = new RecordingPublisher();
  const store = new DynamoApplications(dynamo.documents, tableName);
  const entities = new DynamoEntityReader(dynamo.documents, tableName);
  const outbox = new ApplicationOutbox(store, publisher);
  const changes: ChangeDependencies = { store, outbox, now: clock.now };
  const closing: ClosingDependencies = { ...changes, publisher };
  const submissions = new ApplicationSubmissions({
    entities,
    store,
    outbox,
    publisher,
    now: clock.now,
    newApplicationId,
    slots: new DynamoApplySlots(dynamo.documents, tableName),
  });

  /** A published job of `employerId` and a new application to it from a fresh profile. */
  const apply = async (
    job: { jobId?: string; employerId?: string } = {},
    via?: Application['via'],
  ): Promise<Application> => {
    const jobId = job.jobId ?? uniqueId('job');
    const profileId = uniqueId('prof');
    // The job shows the video applied from: only a via of the job's videos is kept (CONTRACT §4).
    await putJob(dynamo.documents, tableName, {
      jobId,
      employerId: job.employerId ?? 'emp_world',
      ...(via ? { videos: [via] } : {}),
    });
    await putProfile(dynamo.documents, tableName, { profileId });
    const outcome = await submissions.submit({
      jobId,
      profileId,
      body: via ? { valid: true, via } : { valid: true },
    });
    if (outcome.kind !== 'submitted') throw new Error(`apply failed: ${outcome.kind}`);
    return outcome.application;
  };

  return {
    clock,
    publisher,
    store,
    changes,
    closing,
    submissions,
    employer: new EmployerApplications(changes),
    applicant: new ApplicantApplications(changes),
    apply,
  };
};

export type ApplicationsWorld = ReturnType<typeof applicationsWorld>;

/** Deliveries in a random order, cut into batches of a random size (1 to `maxBatch`) that run concurrently. */
export const shuffledBatches = <T>(deliveries: readonly T[], maxBatch: number): fc.Arbitrary<T[][]> =>
  fc
    .tuple(
      fc.shuffledSubarray([...deliveries], { minLength: deliveries.length }),
      fc.integer({ min: 1, max: maxBatch }),
    )
    .map(([order, batchSize]) => {
      const batches: T[][] = [];
      for (let start = 0; start < order.length; start += batchSize) {
        batches.push(order.slice(start, start + batchSize));
      }
      return batches;
    });
