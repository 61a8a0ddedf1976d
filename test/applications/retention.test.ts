import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { IDLE_DAYS, RETENTION_DAYS } from '#applications/application.ts';
import { sweepApplications } from '#applications/sweep.ts';
import { applicantPartition, applicationKey } from '#shared/item-keys.ts';
import { applicationsWorld } from '../support/applications-world.ts';
import { useDynalite } from '../support/shared-resource.ts';

/**
 * Retention (CONTRACT §7) with a clock the test moves, never a sleep: a final application keeps only
 * `applicationId, jobId, profileId, status` 365 days after it became final (the sweep shrinks it), so that
 * "one application per profile and job, ever" still holds; an application without change for 365 days is
 * closed first, then shrunk a year later.
 */

const DAY_MS = 86_400_000;
const dynamo = useDynalite();

/** A world on its own table: the sweep's counts are this test's alone. */
const fresh = async () => {
  const tableName = await dynamo.createTable('retention');
  return { tableName, ...applicationsWorld(dynamo, tableName) };
};

const storedItem = async (tableName: string, jobId: string, profileId: string) =>
  (
    await dynamo.documents.send(
      new GetCommand({ TableName: tableName, Key: applicationKey(jobId, profileId) }),
    )
  ).Item;

describe('retention of applications', () => {
  it('shrinks a final application to its ids and status a year after it became final, and a repeat still answers 200', async () => {
    const { tableName, apply, clock, changes, employer, applicant, store, submissions } = await fresh();
    const application = await apply({ employerId: 'emp_keep' }, { platform: 'tiktok', videoId: 'v1' });
    clock.advance(10 * DAY_MS);
    expect(
      await employer.setStatus('emp_keep', application.applicationId, {
        status: 'rejected',
        note: 'not now',
      }),
    ).toMatchObject({ kind: 'changed' });

    clock.advance(RETENTION_DAYS * DAY_MS - 1000);
    expect(await sweepApplications(changes)).toEqual({ republished: 0, closedIdle: 0, shrunk: 0 });
    expect((await store.find(application.jobId, application.profileId))?.status).toBe('rejected');
    expect((await employer.get('emp_keep', application.applicationId))?.status).toBe('rejected');

    clock.advance(1000);
    // Past its retention, readers no longer show it, even before the sweep has shrunk it.
    expect(await employer.get('emp_keep', application.applicationId)).toBeUndefined();
    expect((await employer.list('emp_keep', {}, 25)).items).toEqual([]);
    expect(await applicant.get(application.profileId, application.applicationId)).toBeUndefined();
    expect((await applicant.list(application.profileId, 25)).items).toEqual([]);
    expect(await sweepApplications(changes)).toEqual({ republished: 0, closedIdle: 0, shrunk: 1 });
    const { pk, sk, ...kept } = (await storedItem(tableName, application.jobId, application.profileId)) ?? {};
    expect({ pk, sk }).toEqual(applicationKey(application.jobId, application.profileId));
    expect(kept).toEqual({
      applicationId: application.applicationId,
      jobId: application.jobId,
      profileId: application.profileId,
      status: 'rejected',
    });
    // Gone from both APIs and the applicant's list (its entry held when it was submitted)…
    expect(await store.byId(application.applicationId)).toBeUndefined();
    const entries = await dynamo.documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': applicantPartition(application.profileId) },
      }),
    );
    expect(entries.Items).toEqual([]);
    expect((await employer.list('emp_keep', {}, 25)).items).toEqual([]);
    // …but the profile still cannot apply twice to the job: 200 with the status, nothing new written.
    expect(
      await submissions.submit({
        jobId: application.jobId,
        profileId: application.profileId,
        body: { valid: true },
      }),
    ).toEqual({
      kind: 'retained',
      application: {
        applicationId: application.applicationId,
        jobId: application.jobId,
        profileId: application.profileId,
        status: 'rejected',
      },
    });
    // A later sweep finds nothing more to do.
    clock.advance(RETENTION_DAYS * DAY_MS);
    expect(await sweepApplications(changes)).toEqual({ republished: 0, closedIdle: 0, shrunk: 0 });
  });

  it('closes an application idle for a year, then shrinks it a year after that', async () => {
    const { apply, clock, changes, store } = await fresh();
    const application = await apply({ employerId: 'emp_idle' });
    clock.advance(IDLE_DAYS * DAY_MS);
    expect(await sweepApplications(changes)).toEqual({ republished: 0, closedIdle: 1, shrunk: 0 });
    expect((await store.find(application.jobId, application.profileId))?.status).toBe('closed');
    clock.advance(RETENTION_DAYS * DAY_MS);
    expect(await sweepApplications(changes)).toEqual({ republished: 0, closedIdle: 0, shrunk: 1 });
    expect(await store.findRetained(application.jobId, application.profileId)).toEqual({
      applicationId: application.applicationId,
      jobId: application.jobId,
      profileId: application.profileId,
      status: 'closed',
    });
  });

  it('leaves an open application whole, however old, while it keeps changing', async () => {
    const { apply, clock, changes, employer, store } = await fresh();
    const application = await apply({ employerId: 'emp_busy' });
    for (const status of ['reviewing', 'interviewing', 'offered'] as const) {
      clock.advance((IDLE_DAYS - 1) * DAY_MS);
      await employer.setStatus('emp_busy', application.applicationId, { status });
      expect((await sweepApplications(changes)).shrunk).toBe(0);
    }
    expect((await store.find(application.jobId, application.profileId))?.status).toBe('offered');
  });
});
