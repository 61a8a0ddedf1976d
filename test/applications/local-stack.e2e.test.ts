import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { employerSecret } from '#notify/employer-secret.ts';
import type { BusEventRecord } from '../../local/activity-log.ts';
import { EmployerServer } from '../../local/testing/employer-server.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { ApplicationsClient } from '../../reliability/applications-client.ts';
import { waitUntilQuiet } from '../../reliability/quiet.ts';
import { useSystemUnderTest } from '../support/system-under-test.ts';

/**
 * After the application, through the HTTP API of the running local stack (the synthesized assembly, its
 * bundles, queues, bus and schedules): the employer API, the applicant API, the ordered notifications to a real
 * employer endpoint verified with `standardwebhooks`, and a job's closing.
 */

const EMPLOYER = 'emp_e2e';
const system = useSystemUnderTest();
let client: ApplicationsClient;
let employer: EmployerServer;
let key: string;
const busEvents: BusEventRecord[] = [];

beforeAll(async () => {
  system.stack.activity.on('record', (record) => {
    if (record.kind === 'bus-event') busEvents.push(record);
  });
  client = new ApplicationsClient(system);
  employer = await EmployerServer.start(employerSecret(system.secrets.EMPLOYER_SIGNING_KEY, EMPLOYER));
  key = client.employerKey(EMPLOYER);
  for (const profileId of ['prof_ann', 'prof_bo', 'prof_cy', 'prof_di', 'prof_eve', 'prof_fay'])
    await client.profile(profileId);
  await client.job('job_e2e', EMPLOYER, employer.url());
  await client.job('job_closing', EMPLOYER, employer.url());
  await client.job('job_gone', EMPLOYER, employer.url());
  await waitUntilQuiet(system.stack);
});
afterAll(async () => {
  await employer?.close();
});
// IAM is enforced from the template: a grant the stack lacks shows here, refused as AWS would refuse it.
afterEach(() => {
  expect(system.stack.iam.refusals.list()).toEqual([]);
});

const published = (detailType: string, applicationId: string) =>
  busEvents.filter(
    (record) =>
      record.event['detail-type'] === detailType &&
      (record.event.detail as { applicationId?: string }).applicationId === applicationId,
  );

const applicationIdOf = (answer: { body: unknown }) =>
  (answer.body as { applicationId: string }).applicationId;

describe('after the application, on the local stack', () => {
  it('an endpoint that fails, then recovers, gets application.received before application.withdrawn, each signed', async () => {
    employer.answer({ status: 503 });
    const applied = await client.apply('job_e2e', 'prof_ann');
    expect(applied.status).toBe(201);
    const applicationId = applicationIdOf(applied);
    const withdrawn = await client.applicant('POST', `/applications/${applicationId}/withdraw`, 'prof_ann');
    expect(withdrawn).toMatchObject({ status: 200, body: { status: 'withdrawn' } });

    const delivered = await eventually(
      () => {
        const ok = employer.successes.filter((request) =>
          String(request.headers['webhook-id']).startsWith(applicationId),
        );
        return ok.length >= 2 ? ok : undefined;
      },
      { what: 'both notifications delivered' },
    );
    const ofThis = employer.received.filter((request) =>
      String(request.headers['webhook-id']).startsWith(applicationId),
    );
    // The failed first attempt, its retry, then the withdrawal: never the withdrawal before the receipt.
    expect(ofThis.map((request) => [request.headers['webhook-id'], request.answeredStatus])).toEqual([
      [applicationId, 503],
      [applicationId, 204],
      [`${applicationId}.withdrawn`, 204],
    ]);
    expect(delivered.every((request) => request.signatureValid)).toBe(true);
    expect(JSON.parse(delivered[1]?.body ?? '')).toMatchObject({
      type: 'application.withdrawn',
      data: { applicationId, jobId: 'job_e2e', employerId: EMPLOYER, withdrawnAt: expect.any(String) },
    });
    expect(published('Application Withdrawn', applicationId)).toHaveLength(1);
    expect(
      published('Application Status Changed', applicationId).map((record) => record.event.source),
    ).toEqual(['reelhire.api']);
  });

  it('holds the order when the notifier crashes after delivering application.received, before recording it', async () => {
    const received =
      (id: string) => (request: { headers: Record<string, unknown>; answeredStatus: number }) =>
        request.headers['webhook-id'] === id && request.answeredStatus < 300;
    // The record of application.received settling as delivered: held, then the environments are killed.
    const held = system.proxy.holdNext(
      (call) =>
        call.operation === 'UpdateItem' &&
        call.body.includes('"RECEIVED"') &&
        call.body.includes('SET outcome'),
    );
    const applicationId = applicationIdOf(await client.apply('job_e2e', 'prof_eve'));
    const settle = await held;
    let killed = 0;
    for (const fn of system.stack.functions.values()) killed += await fn.crashRunning();
    settle.drop();
    expect(killed).toBeGreaterThan(0);
    expect(
      await client.applicant('POST', `/applications/${applicationId}/withdraw`, 'prof_eve'),
    ).toMatchObject({
      status: 200,
    });
    await eventually(
      () => (employer.received.some(received(`${applicationId}.withdrawn`)) ? true : undefined),
      { what: 'the withdrawal delivered after the crash' },
    );
    const first = employer.received.findIndex(received(applicationId));
    const withdrawn = employer.received.findIndex(received(`${applicationId}.withdrawn`));
    // The crashed delivery is made again (at least once), and the withdrawal comes after both.
    expect(employer.received.filter(received(applicationId)).length).toBeGreaterThanOrEqual(2);
    expect(first).toBeLessThan(withdrawn);
    expect(employer.received.findLastIndex(received(applicationId))).toBeLessThan(withdrawn);
  });

  it('the employer works through its inbox; the applicant sees every change; final stays final', async () => {
    const applied = await client.apply('job_e2e', 'prof_bo');
    const applicationId = applicationIdOf(applied);
    const inbox = await client.employer('GET', '/employer/applications?jobId=job_e2e&limit=1', key);
    expect(inbox.status).toBe(200);
    expect(inbox.body).toMatchObject({
      items: [{ applicationId, status: 'submitted' }],
      nextCursor: expect.any(String),
    });
    expect(
      await client.employer('POST', `/employer/applications/${applicationId}/status`, key, {
        status: 'interviewing',
        note: 'call Thursday',
      }),
    ).toMatchObject({
      status: 200,
      body: { status: 'interviewing' },
    });
    expect(
      await client.employer('POST', `/employer/applications/${applicationId}/status`, key, {
        status: 'hired',
      }),
    ).toMatchObject({ status: 200 });
    expect(
      (
        await client.employer('POST', `/employer/applications/${applicationId}/status`, key, {
          status: 'rejected',
        })
      ).status,
    ).toBe(409);
    const seen = await client.applicant('GET', `/applications/${applicationId}`, 'prof_bo');
    expect(seen.body).toMatchObject({
      status: 'hired',
      history: [
        { status: 'submitted', by: 'applicant' },
        { status: 'interviewing', by: 'employer', note: 'call Thursday' },
        { status: 'hired', by: 'employer' },
      ],
    });
    expect((await client.applicant('GET', `/applications/${applicationId}`, 'prof_ann')).status).toBe(404);
    expect(await client.apply('job_e2e', 'prof_bo')).toMatchObject({
      status: 200,
      body: { status: 'hired' },
    });
    await eventually(() =>
      published('Application Status Changed', applicationId).length === 2 ? true : undefined,
    );
  });

  it('rotating the key revokes the old one at once; rotating the secret signs with both for a day', async () => {
    const rotated = await client.employer('POST', '/employer/key/rotate', key);
    expect(rotated.status).toBe(200);
    const newKey = (rotated.body as { key: string }).key;
    expect((await client.employer('GET', '/employer/applications', key)).status).toBe(401);
    expect((await client.employer('GET', '/employer/applications', newKey)).status).toBe(200);
    key = newKey;

    const secret = await client.employer('POST', '/employer/secret/rotate', key);
    const newSecret = (secret.body as { secret: string }).secret;
    expect(newSecret).toMatch(/^whsec_/);
    const applied = await client.apply('job_e2e', 'prof_cy');
    const applicationId = applicationIdOf(applied);
    const request = await eventually(() =>
      employer.received.find((candidate) => candidate.headers['webhook-id'] === applicationId),
    );
    const headers = request.headers as Record<string, string>;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(newSecret).verify(request.body, headers)).not.toThrow();
    expect(request.signatureValid).toBe(true);
  });

  it('a closed job closes its open applications within a minute; the log shows every delivery', async () => {
    const open = applicationIdOf(await client.apply('job_closing', 'prof_di'));
    await client.closeJob('job_closing');
    await eventually(
      async () => {
        const answer = await client.applicant('GET', `/applications/${open}`, 'prof_di');
        return (answer.body as { status?: string }).status === 'closed' ? true : undefined;
      },
      { what: 'the application closed' },
    );
    // The closing is stored before its event is published: the status can be seen a moment before the bus has it.
    const sources = await eventually(
      () => {
        const seen = published('Application Status Changed', open).map((record) => record.event.source);
        return seen.length > 0 ? seen : undefined;
      },
      { what: 'the closing published' },
    );
    expect(sources).toEqual(['reelhire.links']);
    // The withdrawal notices of the tests above are written by the notifier, on its own queue: wait for one.
    const items = await eventually(
      async () => {
        const log = await client.employer('GET', '/employer/deliveries?limit=100', key);
        expect(log.status).toBe(200);
        const listed = (log.body as { items: { webhookId: string; state: string; type: string }[] }).items;
        return listed.some((item) => item.type === 'application.withdrawn') ? listed : undefined;
      },
      { what: 'the withdrawal notice in the delivery log' },
    );
    expect(items.every((item) => ['pending', 'delivered', 'failed'].includes(item.state))).toBe(true);
  });

  it('a notification that failed for good is sent again on retry, out of the dead-letter queue; the test event is signed', async () => {
    // 410: the endpoint is gone, so no retries, and the message is kept in the dead-letter queue.
    employer.replyBy((body) => (body.includes('"jobId":"job_gone"') ? { status: 410 } : undefined));
    const applicationId = applicationIdOf(await client.apply('job_gone', 'prof_fay'));
    const inDeadLetterQueue = () =>
      system.stack
        .deadLetterQueues()
        .some((queue) => queue.messages.some((message) => message.body.includes(applicationId)));
    await eventually(
      async () => {
        const log = await client.employer('GET', '/employer/deliveries?state=failed', key);
        const items = (log.body as { items: { webhookId: string }[] }).items;
        return items.some((item) => item.webhookId === applicationId) && inDeadLetterQueue()
          ? true
          : undefined;
      },
      { what: 'the notification failed for good and dead-lettered' },
    );
    employer.replyBy(undefined);

    const retried = await client.employer('POST', `/employer/deliveries/${applicationId}/retry`, key);
    expect(retried.status).toBe(202);
    const delivered = await eventually(
      () => employer.successes.find((request) => request.headers['webhook-id'] === applicationId),
      { what: 'the retried notification delivered' },
    );
    expect(delivered.signatureValid).toBe(true);
    expect(inDeadLetterQueue()).toBe(false);

    const tested = await client.employer('POST', '/employer/test', key, { url: employer.url('/test') });
    expect(tested).toMatchObject({ status: 200, body: { delivered: true, statusCode: 204 } });
    const testEvent = employer.received.at(-1);
    expect(testEvent?.signatureValid).toBe(true);
    expect(JSON.parse(testEvent?.body ?? '')).toMatchObject({
      type: 'endpoint.test',
      data: { employerId: EMPLOYER },
    });
  });

  it('25 simultaneous new applications from one profile through HTTP: exactly 20 accepted, 5 answered 429 with Retry-After', async () => {
    const jobs = Array.from({ length: 25 }, (_, index) => `job_limit_${index}`);
    await client.profile('prof_limit');
    for (const jobId of jobs) await client.job(jobId, EMPLOYER, employer.url());
    await waitUntilQuiet(system.stack);

    const answers = await Promise.all(jobs.map((jobId) => client.apply(jobId, 'prof_limit')));
    expect(answers.map((answer) => answer.status).sort()).toEqual([
      ...Array(20).fill(201),
      ...Array(5).fill(429),
    ]);
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
      expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    }
    const listed = await client.applicant('GET', '/applications?limit=100', 'prof_limit');
    expect((listed.body as { items: unknown[] }).items).toHaveLength(20);
    // A repeat of an accepted application is free, and still 200.
    const accepted = jobs.filter((_, index) => answers[index]?.status === 201);
    expect((await client.apply(accepted[0] ?? '', 'prof_limit')).status).toBe(200);
  });

  it('a deleted profile’s application is erased within a minute, and the employer is sent application.erased after received, signed', async () => {
    await client.profile('prof_gus');
    await waitUntilQuiet(system.stack);
    const applicationId = applicationIdOf(await client.apply('job_e2e', 'prof_gus'));
    const webhookIdIs = (id: string) => (request: { headers: Record<string, unknown> }) =>
      request.headers['webhook-id'] === id;
    await eventually(() => employer.successes.find(webhookIdIs(applicationId)), {
      what: 'application.received delivered',
    });
    const noted = await client.employer('POST', `/employer/applications/${applicationId}/status`, key, {
      status: 'reviewing',
      note: 'Maya’s reel is great',
    });
    expect(noted.status).toBe(200);

    await client.publish('profileDeleted', {
      profileId: 'prof_gus',
      version: 2,
      deletedAt: new Date().toISOString(),
    });
    const notice = await eventually(() => employer.successes.find(webhookIdIs(`${applicationId}.erased`)), {
      what: 'application.erased delivered',
    });
    const headers = notice.headers as Record<string, string>;
    expect(() =>
      new Webhook(employerSecret(system.secrets.EMPLOYER_SIGNING_KEY, EMPLOYER)).verify(notice.body, headers),
    ).not.toThrow();
    expect(JSON.parse(notice.body)).toEqual({
      type: 'application.erased',
      timestamp: expect.any(String),
      data: { applicationId, jobId: 'job_e2e', employerId: EMPLOYER, erasedAt: expect.any(String) },
    });
    expect(employer.received.findIndex(webhookIdIs(applicationId))).toBeLessThan(
      employer.received.findIndex(webhookIdIs(`${applicationId}.erased`)),
    );

    const seen = await client.employer('GET', `/employer/applications/${applicationId}`, key);
    expect(seen.body).toEqual({
      applicationId,
      jobId: 'job_e2e',
      jobTitle: expect.any(String),
      status: 'reviewing',
      history: [
        { status: 'submitted', at: expect.any(String), by: 'applicant' },
        { status: 'reviewing', at: expect.any(String), by: 'employer' },
      ],
      applicant: { profileId: 'prof_gus', erased: true },
      via: null,
      submittedAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    // The erasure publishes no status change: platforms heard of the one change only.
    expect(published('Application Status Changed', applicationId)).toHaveLength(1);
  });
});
