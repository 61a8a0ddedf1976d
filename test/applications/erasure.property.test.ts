import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '#applications/application.ts';
import { submitted } from '#applications/application.ts';
import { createApplicationClosingsHandler } from '#applications/application-closings-handler.ts';
import { ERASURE_PAGE_SIZE } from '#applications/erase-applications.ts';
import { EVENTS, type EventName, sourceOf } from '#events/catalog.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { LinkContext } from '#links/link-context.ts';
import { createContraEventsHandler } from '#links/link-events-handler.ts';
import { type ApplicationsWorld, applicationsWorld, shuffledBatches } from '../support/applications-world.ts';
import { lambdaContext, sqsEvent, sqsRecord } from '../support/aws-inputs.ts';
import { putJob, putProfile, uniqueId } from '../support/entities.ts';
import { useDynalite } from '../support/shared-resource.ts';

/**
 * Erasure (CONTRACT §7) under any order and duplication: a profile applies to jobs, the employer notes and the
 * applicant withdraws, while Profile Deleted reaches the link engine and the applications' queue, each maybe
 * twice, before, between or after the applications, in random concurrent batches. Both handlers run for real
 * (SQS records through their consumers) over dynalite. At the end no item of the table holds the profile's
 * handle, display name or portfolio url, every application of the profile is erased (kept fields only) and
 * asked for application.erased, and statuses are untouched by the erasure.
 */

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const JOBS = 3;
const EMPLOYER = 'emp_erasure';

type Step =
  | { readonly kind: 'apply'; readonly job: number }
  | { readonly kind: 'note'; readonly job: number }
  | { readonly kind: 'withdraw'; readonly job: number }
  /** Profile Deleted as the ContraEvents queue delivers it (the link engine's tombstone). */
  | { readonly kind: 'deletedToLinks' }
  /** Profile Deleted as the ApplicationClosings queue delivers it (the erasure). */
  | { readonly kind: 'deletedToApplications' };

const job = fc.integer({ min: 0, max: JOBS - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  job.map((index) => ({ kind: 'apply' as const, job: index })),
  job.map((index) => ({ kind: 'note' as const, job: index })),
  job.map((index) => ({ kind: 'withdraw' as const, job: index })),
);

/** Some steps, both deliveries of Profile Deleted (each maybe twice), shuffled, in concurrent batches. */
const scenario = fc
  .tuple(fc.array(step, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.boolean())
  .chain(([steps, linksTwice, applicationsTwice]) => {
    const deliveries: Step[] = [
      ...steps,
      ...Array<Step>(linksTwice ? 2 : 1).fill({ kind: 'deletedToLinks' }),
      ...Array<Step>(applicationsTwice ? 2 : 1).fill({ kind: 'deletedToApplications' }),
    ];
    return shuffledBatches(deliveries, 3);
  });

const dynamo = useDynalite();
let tableName: string;

beforeAll(async () => {
  tableName = await dynamo.createTable('erasure');
});

/** The two consumers of Profile Deleted and the applications world they share (one table, one bus). */
const system = (world: ApplicationsWorld) => {
  const links = new LinkContext({
    stores: dynamoLinkStores(dynamo.documents, tableName),
    publisher: world.publisher,
    publicBaseUrl: 'https://reelhire.test',
    clock: world.clock.now,
  });
  const contraEvents = createContraEventsHandler(links);
  const closings = createApplicationClosingsHandler(world.closing);
  let drained = 0;
  const deliver = async (handler: typeof closings, name: EventName, detail: object): Promise<void> => {
    const answer = await handler(
      sqsEvent(sqsRecord({ source: sourceOf('contra'), 'detail-type': EVENTS[name].detailType, detail })),
      lambdaContext('erasure-test'),
    );
    // Nothing retried or dead-lettered: every delivery is handled on its first receive.
    expect(answer.batchItemFailures).toEqual([]);
  };
  return {
    contraEvents: (name: EventName, detail: object) => deliver(contraEvents, name, detail),
    closings: (name: EventName, detail: object) => deliver(closings, name, detail),
    /** Delivers the next pages the erasure asked for since the last drain, until it asks for none. */
    drainErasurePages: async () => {
      const from = drained;
      for (; ; drained++) {
        const pages = world.publisher.detailsOf('applicationsErasureRequested');
        if (drained >= pages.length) return drained - from;
        await deliver(closings, 'applicationsErasureRequested', pages[drained] ?? {});
      }
    },
  };
};

/** Every item of the table, as text: where a personal value would show. */
const tableText = async (): Promise<string> => {
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.documents.send(
      new ScanCommand({ TableName: tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items);
};

const expectErased = (application: Application | undefined): void => {
  expect(application?.applicant).toEqual({ profileId: application?.profileId, erased: true });
  expect(application?.via).toBeUndefined();
  expect(application?.erasedAt).toEqual(expect.any(String));
  expect(application?.history.every((entry) => entry.note === undefined)).toBe(true);
};

describe('erasure of a deleted profile’s applications', () => {
  it(`reaches every application under any order and duplication, and nothing personal stays (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (batches) => {
        const world = applicationsWorld(dynamo, tableName);
        const handlers = system(world);
        const profileId = uniqueId('prof');
        const personal = {
          handle: `handle_${profileId}`,
          displayName: `Name ${profileId}`,
          portfolioUrl: `https://contra.com/portfolio_${profileId}`,
        };
        await putProfile(dynamo.documents, tableName, { profileId, ...personal });
        const jobIds = Array.from({ length: JOBS }, () => uniqueId('job'));
        for (const jobId of jobIds) {
          await putJob(dynamo.documents, tableName, {
            jobId,
            employerId: EMPLOYER,
            videos: [{ platform: 'tiktok', videoId: `video_${jobId}` }],
          });
        }
        const deleted = { profileId, version: 2, deletedAt: world.clock.now().toISOString() };

        const run = async (current: Step): Promise<void> => {
          world.clock.advance(1000);
          const jobId =
            jobIds[
              current.kind === 'apply' || current.kind === 'note' || current.kind === 'withdraw'
                ? current.job
                : 0
            ] ?? '';
          switch (current.kind) {
            case 'apply':
              await world.submissions.submit({
                jobId,
                profileId,
                body: { valid: true, via: { platform: 'tiktok', videoId: `video_${jobId}` } },
              });
              return;
            case 'note': {
              const application = await world.store.find(jobId, profileId);
              if (application) {
                await world.employer.setStatus(EMPLOYER, application.applicationId, {
                  status: application.status === 'reviewing' ? 'interviewing' : 'reviewing',
                  note: `about ${personal.displayName}`,
                });
              }
              return;
            }
            case 'withdraw': {
              const application = await world.store.find(jobId, profileId);
              if (application) await world.applicant.withdraw(profileId, application.applicationId);
              return;
            }
            case 'deletedToLinks':
              return handlers.contraEvents('profileDeleted', deleted);
            case 'deletedToApplications':
              return handlers.closings('profileDeleted', deleted);
          }
        };
        for (const batch of batches) await Promise.all(batch.map(run));
        await handlers.drainErasurePages();

        const applications = (
          await Promise.all(jobIds.map((jobId) => world.store.find(jobId, profileId)))
        ).filter((application) => application !== undefined);
        for (const application of applications) expectErased(application);
        // Each application is asked for application.erased (at least once: the notifier makes it one notification).
        const erasedIds = new Set(
          world.publisher.detailsOf('applicationErased').map((detail) => detail.applicationId),
        );
        expect([...erasedIds].sort()).toEqual(
          applications.map((application) => application.applicationId).sort(),
        );
        // Statuses stay: every history entry after the submission was published as a status change, and the
        // erasure published none of its own.
        for (const application of applications) {
          const changes = world.publisher
            .detailsOf('applicationStatusChanged')
            .filter((detail) => detail.applicationId === application.applicationId);
          expect(changes.map((detail) => detail.status)).toEqual(
            application.history.slice(1).map((entry) => entry.status),
          );
          expect(application.status).toBe(application.history.at(-1)?.status);
        }
        const text = await tableText();
        for (const value of Object.values(personal)) expect(text).not.toContain(value);
      }),
      { numRuns: RUNS },
    );
  });

  it('pages through a profile with more applications than a page, one page per message', async () => {
    const world = applicationsWorld(dynamo, tableName);
    const handlers = system(world);
    const profileId = uniqueId('prof');
    const count = ERASURE_PAGE_SIZE * 2 + 5;
    // Written as the apply flow writes them (pointers first), past the apply limits a test would need days for.
    for (let index = 0; index < count; index++) {
      await world.store.create(
        submitted({
          applicationId: uniqueId('app'),
          jobId: uniqueId('job'),
          profileId,
          employerId: EMPLOYER,
          jobTitle: 'Editor',
          notifyUrl: 'https://hooks.example/erasure',
          applicant: {
            profileId,
            handle: 'pager',
            displayName: 'Page Turner',
            portfolioUrl: 'https://contra.com/pager',
          },
          submittedAt: new Date(Date.parse('2026-11-01T00:00:00Z') + index * 60_000).toISOString(),
        }),
      );
    }
    await handlers.closings('profileDeleted', { profileId, version: 1, deletedAt: '2026-11-30T00:00:00Z' });
    expect(await handlers.drainErasurePages()).toBe(2);
    expect(world.publisher.detailsOf('applicationsErasureRequested').map((detail) => detail.page)).toEqual([
      2, 3,
    ]);
    const listed = await world.store.byApplicant(profileId, 100);
    expect(listed.applications).toHaveLength(100);
    for (const application of listed.applications) expectErased(application);
    expect(
      new Set(world.publisher.detailsOf('applicationErased').map((detail) => detail.applicationId)).size,
    ).toBe(count);
    // A redelivered Profile Deleted pages through again, finds everything erased and announced, and asks for
    // no application.erased again.
    await handlers.closings('profileDeleted', { profileId, version: 1, deletedAt: '2026-11-30T00:00:00Z' });
    expect(await handlers.drainErasurePages()).toBe(2);
    expect(world.publisher.ofType(EVENTS.applicationErased.detailType)).toHaveLength(count);
  });
});
