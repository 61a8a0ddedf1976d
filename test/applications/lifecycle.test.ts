import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeJobApplicationsPage } from '#applications/close-job-applications.ts';
import { sweepApplications } from '#applications/sweep.ts';
import { applicationKey } from '#shared/item-keys.ts';
import { InvalidCursorError } from '#shared/pagination.ts';
import { type ApplicationsWorld, applicationsWorld } from '../support/applications-world.ts';
import { putJob, uniqueId } from '../support/entities.ts';
import { useDynalite } from '../support/shared-resource.ts';

const CHANGED = 'Application Status Changed';
const WITHDRAWN = 'Application Withdrawn';
const SUBMITTED = 'Application Submitted';
const CLOSING = 'Applications Closing Requested';
const MINUTE = 60_000;

const dynamo = useDynalite();
let tableName: string;
let world: ApplicationsWorld;

beforeAll(async () => {
  tableName = await dynamo.createTable('applications');
});

const fresh = () => {
  world = applicationsWorld(dynamo, tableName);
  return world;
};

const stored = async (jobId: string, profileId: string) =>
  (
    await dynamo.documents.send(
      new GetCommand({ TableName: tableName, Key: applicationKey(jobId, profileId) }),
    )
  ).Item;

/** Makes the next DynamoDB calls that `matches` (by the client's command name) fail, as a crash right before them would. */
const failing = (matches: (command: string, input: Record<string, unknown>) => boolean, times = 1) => {
  let left = times;
  const name = `crash-${uniqueId('m')}`;
  dynamo.documents.middlewareStack.add(
    (next, context) => async (args) => {
      if (left > 0 && matches(context.commandName ?? '', args.input as Record<string, unknown>)) {
        left--;
        throw new Error('crashed (simulated)');
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { restore: () => dynamo.documents.middlewareStack.remove(name) };
};

const isMarkPublished = (command: string, input: Record<string, unknown>) =>
  command === 'UpdateItemCommand' && String(input.UpdateExpression).includes('publishedThrough = :through');

describe('a new application', () => {
  it('keeps the job and the applicant as they were, and publishes Application Submitted once', async () => {
    const { apply, publisher } = fresh();
    const application = await apply({ employerId: 'emp_keep' }, { platform: 'tiktok', videoId: '7' });
    expect(await stored(application.jobId, application.profileId)).toMatchObject({
      employerId: 'emp_keep',
      jobTitle: 'Brand designer for a coffee roaster refresh',
      notifyUrl: 'https://hooks.northwind.example/contra/applications',
      applicant: { profileId: application.profileId, handle: 'maya', displayName: 'Maya Lindqvist' },
      status: 'submitted',
      history: [{ status: 'submitted', at: application.submittedAt, by: 'applicant' }],
      publishedThrough: 1,
    });
    expect(publisher.ofType(SUBMITTED)).toHaveLength(1);
  });
});

describe('status changes by the employer', () => {
  it('changes, keeps history with notes, publishes each change once, and keeps a final status final', async () => {
    const { apply, employer, publisher, clock } = fresh();
    const application = await apply({ employerId: 'emp_a' });
    clock.advance(MINUTE);
    const reviewing = await employer.setStatus('emp_a', application.applicationId, {
      status: 'reviewing',
      note: 'nice reel',
    });
    expect(reviewing).toMatchObject({ kind: 'changed', application: { status: 'reviewing' } });
    expect(
      await employer.setStatus('emp_a', application.applicationId, { status: 'reviewing' }),
    ).toMatchObject({
      kind: 'unchanged',
    });
    clock.advance(MINUTE);
    expect(await employer.setStatus('emp_a', application.applicationId, { status: 'hired' })).toMatchObject({
      kind: 'changed',
    });
    expect(await employer.setStatus('emp_a', application.applicationId, { status: 'rejected' })).toEqual({
      kind: 'final',
    });
    expect(await employer.setStatus('emp_a', application.applicationId, { status: 'hired' })).toMatchObject({
      kind: 'unchanged',
    });
    expect(publisher.ofType(CHANGED).map((event) => event.detail)).toEqual([
      expect.objectContaining({ status: 'reviewing', note: 'nice reel', employerId: 'emp_a' }),
      expect.objectContaining({ status: 'hired' }),
    ]);
    expect(
      (await employer.get('emp_a', application.applicationId))?.history.map((entry) => entry.status),
    ).toEqual(['submitted', 'reviewing', 'hired']);
  });

  it('refuses what the employer may not set, a bad note, and another employer’s application', async () => {
    const { apply, employer } = fresh();
    const { applicationId } = await apply({ employerId: 'emp_b' });
    for (const status of ['withdrawn', 'closed', 'submitted', 'bogus']) {
      const outcome = await employer.setStatus('emp_b', applicationId, { status });
      // submitted is the current status: the same status answers 200.
      expect(outcome.kind, status).toBe(status === 'submitted' ? 'unchanged' : 'invalid');
    }
    expect(
      (await employer.setStatus('emp_b', applicationId, { status: 'reviewing', note: 'x'.repeat(1001) }))
        .kind,
    ).toBe('invalid');
    expect(await employer.setStatus('emp_other', applicationId, { status: 'reviewing' })).toEqual({
      kind: 'notFound',
    });
    expect(await employer.get('emp_other', applicationId)).toBeUndefined();
  });

  it('lets exactly one of two racing final statuses win', async () => {
    const { apply, employer, applicant, publisher } = fresh();
    const application = await apply({ employerId: 'emp_race' });
    const [hired, withdrawn] = await Promise.all([
      employer.setStatus('emp_race', application.applicationId, { status: 'hired' }),
      applicant.withdraw(application.profileId, application.applicationId),
    ]);
    const winners = [hired.kind === 'changed', withdrawn.kind === 'withdrawn'].filter(Boolean);
    expect(winners).toHaveLength(1);
    expect(publisher.ofType(CHANGED)).toHaveLength(1);
  });
});

describe('withdrawal by the applicant', () => {
  it('publishes Status Changed and Withdrawn once; again is 200 with nothing published; final otherwise 409', async () => {
    const { apply, applicant, employer, publisher } = fresh();
    const application = await apply({ employerId: 'emp_w' });
    const first = await applicant.withdraw(application.profileId, application.applicationId);
    expect(first).toMatchObject({ kind: 'withdrawn', application: { status: 'withdrawn' } });
    expect(await applicant.withdraw(application.profileId, application.applicationId)).toMatchObject({
      kind: 'withdrawn',
    });
    expect(publisher.ofType(WITHDRAWN).map((event) => event.detail)).toEqual([
      {
        applicationId: application.applicationId,
        jobId: application.jobId,
        profileId: application.profileId,
        employerId: 'emp_w',
        withdrawnAt: expect.any(String),
      },
    ]);
    expect(await applicant.withdraw('prof_someone_else', application.applicationId)).toEqual({
      kind: 'notFound',
    });

    const rejected = await apply({ employerId: 'emp_w' });
    await employer.setStatus('emp_w', rejected.applicationId, { status: 'rejected' });
    expect(await applicant.withdraw(rejected.profileId, rejected.applicationId)).toEqual({ kind: 'final' });
  });
});

describe('published at least once, even when the request failed after writing', () => {
  it('the bus refused: the sweep publishes the change a minute later, not before', async () => {
    const { apply, employer, publisher, clock, changes } = fresh();
    const application = await apply({ employerId: 'emp_crash' });
    publisher.refusals = 1;
    await expect(
      employer.setStatus('emp_crash', application.applicationId, { status: 'interviewing' }),
    ).rejects.toThrow(/the bus refused/);
    expect(await stored(application.jobId, application.profileId)).toMatchObject({
      status: 'interviewing',
      publishedThrough: 1,
    });
    clock.advance(30_000);
    expect(await sweepApplications(changes)).toEqual({ republished: 0, closedIdle: 0 });
    clock.advance(31_000);
    expect(await sweepApplications(changes)).toEqual({ republished: 1, closedIdle: 0 });
    expect(publisher.ofType(CHANGED).map((event) => event.detail)).toEqual([
      expect.objectContaining({ applicationId: application.applicationId, status: 'interviewing' }),
    ]);
    expect(await stored(application.jobId, application.profileId)).toMatchObject({ publishedThrough: 2 });
    clock.advance(2 * MINUTE);
    expect(await sweepApplications(changes)).toEqual({ republished: 0, closedIdle: 0 });
  });

  it('a crash after publishing, before clearing the marker: published again (at least once), then clear', async () => {
    const { apply, applicant, publisher, clock, changes } = fresh();
    const application = await apply({ employerId: 'emp_crash2' });
    const crash = failing(isMarkPublished);
    try {
      await expect(applicant.withdraw(application.profileId, application.applicationId)).rejects.toThrow(
        /crashed/,
      );
    } finally {
      crash.restore();
    }
    expect(publisher.ofType(WITHDRAWN)).toHaveLength(1);
    clock.advance(61_000);
    expect((await sweepApplications(changes)).republished).toBe(1);
    expect(publisher.ofType(WITHDRAWN)).toHaveLength(2);
    expect(new Set(publisher.ofType(WITHDRAWN).map((event) => JSON.stringify(event.detail))).size).toBe(1);
  });

  it('a crash between writing an application and publishing Application Submitted', async () => {
    const { apply, publisher, clock, changes } = fresh();
    publisher.refusals = 1;
    await expect(apply({ employerId: 'emp_crash3' })).rejects.toThrow(/the bus refused/);
    expect(publisher.ofType(SUBMITTED)).toHaveLength(0);
    clock.advance(61_000);
    expect((await sweepApplications(changes)).republished).toBe(1);
    expect(publisher.ofType(SUBMITTED)).toHaveLength(1);
  });
});

describe('closing', () => {
  it('closes every open application of a closed job, page after page, and leaves final ones alone', async () => {
    const { apply, employer, publisher, closing, store } = fresh();
    const jobId = uniqueId('job');
    const applications = [];
    for (let index = 0; index < 103; index++) applications.push(await apply({ jobId, employerId: 'emp_c' }));
    const hired = applications[5]!;
    await employer.setStatus('emp_c', hired.applicationId, { status: 'hired' });
    publisher.events.length = 0;

    expect(await closeJobApplicationsPage(closing, { jobId })).toBe(99);
    const [next] = publisher.ofType(CLOSING);
    expect(next?.origin).toBe('links');
    expect(next?.detail).toMatchObject({ jobId, page: 2, cursor: expect.any(String) });
    expect(await closeJobApplicationsPage(closing, next!.detail as { jobId: string })).toBe(3);
    expect(publisher.ofType(CLOSING)).toHaveLength(1);

    const statuses = await Promise.all(applications.map((a) => store.find(jobId, a.profileId)));
    expect(statuses.filter((a) => a?.status === 'closed')).toHaveLength(102);
    expect(statuses[5]?.status).toBe('hired');
    const closedEvents = publisher.ofType(CHANGED);
    expect(closedEvents).toHaveLength(102);
    expect(new Set(closedEvents.map((event) => event.origin))).toEqual(new Set(['links']));
    // A duplicate Job Closed changes nothing.
    expect(await closeJobApplicationsPage(closing, { jobId })).toBe(0);
  });

  it('an application written as its job closes asks for the closing again', async () => {
    const { apply, publisher, closing } = fresh();
    const jobId = uniqueId('job');
    await putJob(dynamo.documents, tableName, { jobId, employerId: 'emp_late' });
    await closeJobApplicationsPage(closing, { jobId });
    // Job Closed has not reached the job item yet: the application is accepted, then asks for closing.
    const late = await apply({ jobId, employerId: 'emp_late' });
    expect(publisher.ofType(CLOSING).map((event) => event.detail)).toEqual([{ jobId }]);
    await closeJobApplicationsPage(closing, { jobId });
    expect((await world.store.find(jobId, late.profileId))?.status).toBe('closed');
  });

  it('closes an application idle for a year, as ReelHire', async () => {
    const { apply, clock, changes, store, publisher } = fresh();
    const application = await apply({ employerId: 'emp_idle' });
    clock.advance(364 * 86_400_000);
    expect((await sweepApplications(changes)).closedIdle).toBe(0);
    clock.advance(86_400_000);
    expect((await sweepApplications(changes)).closedIdle).toBeGreaterThanOrEqual(1);
    const closed = await store.find(application.jobId, application.profileId);
    expect(closed?.status).toBe('closed');
    expect(closed?.history.at(-1)).toMatchObject({ status: 'closed', by: 'reelhire' });
    expect(publisher.ofType(CHANGED).at(-1)).toMatchObject({ origin: 'links' });
  });
});

describe('lists', () => {
  it('pages an employer’s applications newest first, filtered by job and status, nextCursor on all but the last', async () => {
    const { apply, employer, clock } = fresh();
    const employerId = uniqueId('emp');
    const jobA = uniqueId('job');
    const made = [];
    for (let index = 0; index < 7; index++) {
      clock.advance(1000);
      made.push(await apply({ jobId: index % 2 === 0 ? jobA : uniqueId('job'), employerId }));
    }
    await employer.setStatus(employerId, made[2]!.applicationId, { status: 'reviewing' });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await employer.list(employerId, {}, 3, cursor);
      seen.push(...page.items.map((item) => item.applicationId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(made.map((a) => a.applicationId).reverse());

    const ofJobA = await employer.list(employerId, { jobId: jobA }, 10);
    expect(ofJobA.items.map((item) => item.applicationId)).toEqual(
      [made[6], made[4], made[2], made[0]].map((a) => a!.applicationId),
    );
    expect(ofJobA.nextCursor).toBeUndefined();
    const reviewing = await employer.list(employerId, { status: 'reviewing' }, 1);
    expect(reviewing.items.map((item) => item.applicationId)).toEqual([made[2]!.applicationId]);
    expect(reviewing.nextCursor).toBeUndefined();
    expect((await employer.list(uniqueId('emp'), {}, 5)).items).toEqual([]);
  });

  it('pages an applicant’s own applications newest first', async () => {
    const { apply, applicant, submissions, clock } = fresh();
    const first = await apply();
    const jobs = [uniqueId('job'), uniqueId('job'), uniqueId('job')];
    for (const jobId of jobs) {
      clock.advance(1000);
      await putJob(dynamo.documents, tableName, { jobId });
      await submissions.submit({ jobId, profileId: first.profileId, body: { valid: true } });
    }
    const page1 = await applicant.list(first.profileId, 2);
    expect(page1.items.map((item) => item.jobId)).toEqual([jobs[2], jobs[1]]);
    const page2 = await applicant.list(first.profileId, 2, page1.nextCursor);
    expect(page2.items.map((item) => item.jobId)).toEqual([jobs[0], first.jobId]);
    expect(page2.nextCursor).toBeUndefined();
    expect(page2.items[0]).not.toHaveProperty('applicant');
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['JSON of the wrong shape', Buffer.from('{"x":1}').toString('base64url')],
    ['a sort key that is not one', Buffer.from('{"s":"x","j":"a","p":"b"}').toString('base64url')],
    [
      'padding added',
      `${Buffer.from('{"s":"0000000000000000000001#a","j":"a","p":"b"}').toString('base64url')}=`,
    ],
  ])('refuses a cursor that is %s', async (_, cursor) => {
    const { employer, applicant } = fresh();
    await expect(employer.list('emp_any', {}, 5, cursor)).rejects.toThrow(InvalidCursorError);
    await expect(applicant.list('prof_any', 5, cursor)).rejects.toThrow(InvalidCursorError);
  });
});
