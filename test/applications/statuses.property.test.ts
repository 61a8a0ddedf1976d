import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closeJobApplicationsPage } from '#applications/close-job-applications.ts';
import { sweepApplications } from '#applications/sweep.ts';
import type { ApplicationStatus } from '#events/fields.ts';
import { applicationsWorld } from '../support/applications-world.ts';
import { useDynalite } from '../support/shared-resource.ts';

/**
 * Random interleavings of what can happen to one application after it is submitted: the employer's status
 * changes, the applicant's withdrawal, the job's closing, each possibly delivered twice, run in random
 * concurrent batches. The end state must be the one the rules of CONTRACT §6 give, written here on their own.
 */

const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

type Operation =
  | { readonly by: 'employer'; readonly status: ApplicationStatus }
  | { readonly by: 'applicant' }
  | { readonly by: 'jobClosing' };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc
    .constantFrom<ApplicationStatus>('reviewing', 'interviewing', 'offered', 'hired', 'rejected', 'withdrawn')
    .map((status) => ({ by: 'employer' as const, status })),
  fc.constant({ by: 'applicant' as const }),
  fc.constant({ by: 'jobClosing' as const }),
);

/** Each operation, maybe twice (a retried request, a redelivered event), in batches run concurrently. */
const scenario = fc
  .array(fc.tuple(operation, fc.boolean()), { minLength: 1, maxLength: 8 })
  .chain((operations) => {
    const deliveries = operations.flatMap(([op, twice]) => (twice ? [op, op] : [op]));
    return fc
      .tuple(
        fc.shuffledSubarray(deliveries, { minLength: deliveries.length }),
        fc.integer({ min: 1, max: 4 }),
      )
      .map(([order, batchSize]) => {
        const batches: Operation[][] = [];
        for (let start = 0; start < order.length; start += batchSize) {
          batches.push(order.slice(start, start + batchSize));
        }
        return batches;
      });
  });

const FINAL: ReadonlySet<ApplicationStatus> = new Set(['hired', 'rejected', 'withdrawn', 'closed']);
const EMPLOYER_MAY: ReadonlySet<ApplicationStatus> = new Set([
  'reviewing',
  'interviewing',
  'offered',
  'hired',
  'rejected',
]);

/** The status an operation asks for, and whether its actor may ask for it. */
const wanted = (op: Operation): { status: ApplicationStatus; by: string; allowed: boolean } => {
  switch (op.by) {
    case 'employer':
      return { status: op.status, by: 'employer', allowed: EMPLOYER_MAY.has(op.status) };
    case 'applicant':
      return { status: 'withdrawn', by: 'applicant', allowed: true };
    case 'jobClosing':
      return { status: 'closed', by: 'reelhire', allowed: true };
  }
};

/** The rules, as a fold over operations in the order they took effect. */
const foldRules = (operations: readonly Operation[]): { status: ApplicationStatus; by: string }[] => {
  const history: { status: ApplicationStatus; by: string }[] = [{ status: 'submitted', by: 'applicant' }];
  for (const op of operations) {
    const current = history.at(-1)!.status;
    const { status, by, allowed } = wanted(op);
    if (status === current || !allowed || FINAL.has(current)) continue;
    history.push({ status, by });
  }
  return history;
};

describe('an application’s status under any interleaving', () => {
  const dynamo = useDynalite();

  it(`ends where the rules say, final stays final, and each change is published once (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (batches) => {
        const tableName = await dynamo.createTable('statuses');
        const world = applicationsWorld(dynamo, tableName);
        const application = await world.apply({ employerId: 'emp_p' });
        const { applicationId, profileId, jobId } = application;
        const run = async (op: Operation): Promise<void> => {
          world.clock.advance(1000);
          if (op.by === 'employer')
            await world.employer.setStatus('emp_p', applicationId, { status: op.status });
          else if (op.by === 'applicant') await world.applicant.withdraw(profileId, applicationId);
          else await closeJobApplicationsPage(world.closing, { jobId });
        };
        for (const batch of batches) await Promise.all(batch.map(run));

        const stored = await world.store.find(jobId, profileId);
        const history = (stored?.history ?? []).map(({ status, by }) => ({ status, by }));
        // The history is a legal run of the rules over the operations in the order they took effect...
        const flat = batches.flat();
        const effective = history.slice(1).map((entry) => {
          const op = flat.find((candidate) => {
            const asked = wanted(candidate);
            return asked.status === entry.status && asked.by === entry.by;
          });
          expect(op, `${entry.status} by ${entry.by} was never asked for`).toBeDefined();
          return op!;
        });
        expect(history).toEqual(foldRules(effective));
        // ...the stored status is its last entry, and once the job closed the application is final.
        expect(stored?.status).toBe(history.at(-1)?.status);
        if (flat.some((op) => op.by === 'jobClosing')) expect(FINAL.has(stored!.status)).toBe(true);
        // Run one at a time, the same operations give exactly the fold (no concurrency to choose an order).
        if (batches.every((batch) => batch.length === 1)) expect(history).toEqual(foldRules(flat));

        world.clock.advance(120_000);
        await sweepApplications(world.changes);
        const changes = world.publisher.ofType('Application Status Changed').map((event) => event.detail);
        expect(changes).toEqual(
          history.slice(1).map((entry) => expect.objectContaining({ applicationId, status: entry.status })),
        );
        expect(world.publisher.ofType('Application Withdrawn')).toHaveLength(
          history.some((entry) => entry.status === 'withdrawn') ? 1 : 0,
        );
      }),
      { numRuns: RUNS },
    );
  }, 1_800_000);
});
