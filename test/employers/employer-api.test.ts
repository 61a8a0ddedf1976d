import { Webhook } from 'standardwebhooks';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApplications } from '#applications/dynamo-applications.ts';
import { DynamoEmployerRate } from '#employers/dynamo-employer-rate.ts';
import { DynamoEmployers } from '#employers/dynamo-employers.ts';
import { apiKeyOf } from '#employers/employer.ts';
import { EmployerAccounts } from '#employers/employer-accounts.ts';
import { createEmployerApiHandler, type EmployerApiDependencies } from '#employers/employer-api-handler.ts';
import { StoredSecretGenerations } from '#employers/secret-generations.ts';
import { DynamoEntityReader } from '#links/dynamo-entities.ts';
import { deliverNotification, type NotifierDependencies } from '#notify/deliver-notification.ts';
import { DeliveryLog } from '#notify/delivery-log.ts';
import { DynamoNotificationStore } from '#notify/dynamo-notification-store.ts';
import { GuardedEmployerEndpoint } from '#notify/employer-endpoint.ts';
import { derivedEmployerSecrets, employerSecret, signingSecrets } from '#notify/employer-secret.ts';
import { EndpointTester } from '#notify/endpoint-test.ts';
import { systemResolver } from '#notify/ssrf.ts';
import { SqsMessages } from '#shared/aws/sqs-messages.ts';
import type { HttpResponse } from '#shared/http.ts';
import type { LocalQueue } from '../../local/sqs/local-queue.ts';
import { EmployerServer } from '../../local/testing/employer-server.ts';
import { localDocumentClient } from '../../local/testing/local-clients.ts';
import { type ApplicationsWorld, applicationsWorld } from '../support/applications-world.ts';
import { type AwsEndpoints, startAwsEndpoints } from '../support/aws-endpoints.ts';
import { bearerRequest, takenAt } from '../support/aws-inputs.ts';
import { putApplication, uniqueId } from '../support/entities.ts';
import { RecordingFunnelLog } from '../support/recording-funnel-log.ts';
import { RecordingRetryScheduler } from '../support/recording-retry-scheduler.ts';
import { useDynalite, useShared } from '../support/shared-resource.ts';

const MASTER = 'employer-api-test-master-key';

const dynamo = useDynalite();
const aws = useShared(
  'the AWS endpoints',
  () => startAwsEndpoints(),
  (endpoints: AwsEndpoints) => endpoints.close(),
);
let tableName: string;
let queue: LocalQueue;
let deadLetters: LocalQueue;
let world: ApplicationsWorld;
let accounts: EmployerAccounts;
let handle: ReturnType<typeof createEmployerApiHandler>;
let deps: EmployerApiDependencies;
let notifier: NotifierDependencies;
const funnel = new RecordingFunnelLog();
const servers: EmployerServer[] = [];

beforeAll(async () => {
  tableName = await dynamo.createTable('employer-api');
  deadLetters = aws.queues.create('notifications-dlq');
  queue = aws.queues.create('notifications', {
    redrivePolicy: { deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 12 },
  });
  world = applicationsWorld(dynamo, tableName);
  const store = new DynamoEmployers(dynamo.documents, tableName);
  const generations = new StoredSecretGenerations(store, world.clock.now);
  const signing = signingSecrets(async () => MASTER, generations);
  const notifications = new DynamoNotificationStore(dynamo.documents, tableName);
  const endpoint = new GuardedEmployerEndpoint({ local: true, resolve: systemResolver }, 2_000);
  accounts = new EmployerAccounts({
    store,
    masterKeys: async () => [MASTER],
    secretOf: derivedEmployerSecrets(async () => MASTER),
    now: () => new Date(),
  });
  deps = {
    accounts,
    applications: world.employer,
    deliveries: new DeliveryLog({
      notifications,
      queue: new SqsMessages(aws.sqs, queue.url),
      deadLetters: new SqsMessages(aws.sqs, deadLetters.url),
      now: () => new Date(),
    }),
    endpointTest: new EndpointTester({ endpoint, signingSecrets: signing, now: () => new Date() }),
    rate: new DynamoEmployerRate(dynamo.documents, tableName, () => new Date()),
    jobs: new DynamoEntityReader(dynamo.documents, tableName),
    funnelLog: funnel,
    funnelReader: funnel,
  };
  handle = createEmployerApiHandler(deps);
  notifier = {
    applications: new DynamoApplications(dynamo.documents, tableName),
    notifications,
    endpoint,
    signingSecrets: signing,
    retries: new RecordingRetryScheduler(),
    publisher: world.publisher,
    now: () => new Date(),
    random: () => 0,
  };
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const keyOf = (employerId: string, generation = 0) => apiKeyOf(MASTER, employerId, generation);

const call = (
  method: 'GET' | 'POST',
  path: string,
  key: string | undefined,
  options: { query?: Record<string, string>; body?: unknown } = {},
) =>
  handle(
    bearerRequest(method, path, key, {
      ...(options.query ? { query: options.query } : {}),
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    }),
  );

const bodyOf = (response: HttpResponse) => JSON.parse(String(response.body)) as Record<string, unknown>;

const expectProblem = (response: HttpResponse, status: number) => {
  expect(response.statusCode, String(response.body)).toBe(status);
  expect(response.headers?.['content-type']).toBe('application/problem+json');
  expect(bodyOf(response)).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
};

describe('the employer key', () => {
  it('answers 401 without a key, with a wrong or malformed one, and 200 with the current one', async () => {
    const employerId = uniqueId('emp');
    expectProblem(await call('GET', '/employer/applications', undefined), 401);
    expectProblem(await call('GET', '/employer/applications', 'rhk_nope'), 401);
    expectProblem(
      await call('GET', '/employer/applications', apiKeyOf('another-master', employerId, 0)),
      401,
    );
    expectProblem(await call('GET', '/employer/applications', keyOf(employerId, 1)), 401);
    const ok = await call('GET', '/employer/applications', keyOf(employerId));
    expect(ok.statusCode).toBe(200);
    expect(bodyOf(ok)).toEqual({ items: [], nextCursor: null });
    expect(await accounts.currentKey(employerId)).toBe(keyOf(employerId));
  });

  it('rotates: the new key works and the old one is 401 at once', async () => {
    const employerId = uniqueId('emp');
    const rotated = await call('POST', '/employer/key/rotate', keyOf(employerId));
    expect(rotated.statusCode).toBe(200);
    const { key } = bodyOf(rotated) as { key: string };
    expect(key).toBe(keyOf(employerId, 1));
    expectProblem(await call('GET', '/employer/applications', keyOf(employerId)), 401);
    expect((await call('GET', '/employer/applications', key)).statusCode).toBe(200);
    expect(await accounts.currentKey(employerId)).toBe(key);
  });
});

describe('the pull inbox and one application', () => {
  it('lists the employer’s own applications newest first, with cursors and filters; 400 for a bad cursor', async () => {
    const employerId = uniqueId('emp');
    const made = [];
    for (let index = 0; index < 3; index++) {
      world.clock.advance(1000);
      made.push(await world.apply({ employerId }));
    }
    await world.apply({ employerId: uniqueId('emp') });
    const first = bodyOf(
      await call('GET', '/employer/applications', keyOf(employerId), { query: { limit: '2' } }),
    );
    expect((first.items as { applicationId: string }[]).map((item) => item.applicationId)).toEqual([
      made[2]?.applicationId,
      made[1]?.applicationId,
    ]);
    expect(first.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ applicant: expect.any(Object) })]),
    );
    const second = bodyOf(
      await call('GET', '/employer/applications', keyOf(employerId), {
        query: { limit: '2', cursor: String(first.nextCursor) },
      }),
    );
    expect(second).toEqual({
      items: [expect.objectContaining({ applicationId: made[0]?.applicationId })],
      nextCursor: null,
    });
    const byJob = bodyOf(
      await call('GET', '/employer/applications', keyOf(employerId), {
        query: { jobId: String(made[1]?.jobId) },
      }),
    );
    expect(byJob.items).toEqual([expect.objectContaining({ applicationId: made[1]?.applicationId })]);
    const badQueries: Record<string, string>[] = [
      { cursor: 'x' },
      { status: 'nope' },
      { limit: '500' },
      { jobId: 'j'.repeat(200) },
    ];
    for (const query of badQueries) {
      expectProblem(await call('GET', '/employer/applications', keyOf(employerId), { query }), 400);
    }
  });

  it('shows one application; another employer’s is 404, never 403', async () => {
    const application = await world.apply({ employerId: 'emp_one' });
    const response = await call(
      'GET',
      `/employer/applications/${application.applicationId}`,
      keyOf('emp_one'),
    );
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      applicationId: application.applicationId,
      jobId: application.jobId,
      jobTitle: application.jobTitle,
      status: 'submitted',
      history: [{ status: 'submitted', at: application.submittedAt, by: 'applicant' }],
      applicant: application.applicant,
      via: null,
      submittedAt: application.submittedAt,
      updatedAt: application.submittedAt,
    });
    expectProblem(
      await call('GET', `/employer/applications/${application.applicationId}`, keyOf('emp_two')),
      404,
    );
  });
});

describe('status changes, in the contract’s order', () => {
  const statusOf = (applicationId: string, key: string | undefined, body: unknown) =>
    call('POST', `/employer/applications/${applicationId}/status`, key, { body });

  it('401, then 404, then same status 200, then 422, then 409, else 200 with the change published', async () => {
    const application = await world.apply({ employerId: 'emp_order' });
    const { applicationId } = application;
    const key = keyOf('emp_order');
    world.publisher.events.length = 0;
    expectProblem(await statusOf(applicationId, undefined, 'not json'), 401);
    expectProblem(await statusOf(applicationId, keyOf('emp_stranger'), 'not json'), 404);
    expectProblem(await statusOf('app_none', key, { status: 'reviewing' }), 404);
    const same = await statusOf(applicationId, key, { status: 'submitted' });
    expect(same.statusCode).toBe(200);
    expect(world.publisher.events).toHaveLength(0);
    for (const bad of [
      'not json',
      [],
      { status: 3 },
      { status: 'withdrawn' },
      { status: 'closed' },
      { status: 'reviewing', note: 7 },
    ]) {
      expectProblem(await statusOf(applicationId, key, bad), 422);
    }
    const reviewing = await statusOf(applicationId, key, {
      status: 'reviewing',
      note: 'portfolio looks strong',
    });
    expect(reviewing.statusCode).toBe(200);
    expect(bodyOf(reviewing)).toMatchObject({
      status: 'reviewing',
      history: [
        { status: 'submitted' },
        { status: 'reviewing', by: 'employer', note: 'portfolio looks strong' },
      ],
    });
    expect(world.publisher.ofType('Application Status Changed')).toHaveLength(1);
    expect((await statusOf(applicationId, key, { status: 'rejected' })).statusCode).toBe(200);
    expectProblem(await statusOf(applicationId, key, { status: 'hired' }), 409);
    expectProblem(await statusOf(applicationId, key, { status: 'bogus' }), 422);
    expect((await statusOf(applicationId, key, { status: 'rejected' })).statusCode).toBe(200);
    expect(world.publisher.ofType('Application Status Changed')).toHaveLength(2);
  });
});

describe('hires and the job funnel (CONTRACT §8)', () => {
  it('writes a hire to the funnel log with its application id and via, again on a repeat; counts it per video', async () => {
    const via = { platform: 'tiktok', videoId: uniqueId('vid') } as const;
    const application = await world.apply({ employerId: 'emp_hires' }, via);
    const { applicationId, jobId } = application;
    const key = keyOf('emp_hires');
    /** The status change as API Gateway would pass it at `time`. */
    const hire = (time: string) =>
      handle(
        takenAt(
          bearerRequest('POST', `/employer/applications/${applicationId}/status`, key, {
            body: JSON.stringify({ status: 'hired' }),
          }),
          time,
        ),
      );

    // The log refuses: the change is made, the answer is 503, and the retry writes the hire, stamped with the
    // retry's own time (a record enters the log within seconds of its `at`, which the funnel's reads rely on).
    funnel.refusing = true;
    expectProblem(await hire('2026-11-20T10:59:50.000Z'), 503);
    funnel.refusing = false;
    expect((await hire('2026-11-20T11:20:00.000Z')).statusCode).toBe(200);
    expect((await hire('2026-11-20T11:21:00.000Z')).statusCode).toBe(200);
    const hires = funnel.records.filter((record) => record.kind === 'hired' && record.id === applicationId);
    expect(hires).toEqual([
      { kind: 'hired', id: applicationId, at: '2026-11-20T11:20:00.000Z', jobId, ...via },
      { kind: 'hired', id: applicationId, at: '2026-11-20T11:21:00.000Z', jobId, ...via },
    ]);

    const funnelOf = (employer: string) => call('GET', `/employer/jobs/${jobId}/funnel`, keyOf(employer));
    const counts = await funnelOf('emp_hires');
    expect(counts.statusCode).toBe(200);
    expect(bodyOf(counts)).toEqual({
      jobId,
      videos: [{ ...via, applyTaps: 0, applyPageViews: 0, applications: 0, hired: 1 }],
      totals: { applyTaps: 0, applyPageViews: 0, applications: 0, hired: 1 },
    });
    expectProblem(await funnelOf('emp_stranger'), 404);
    expectProblem(await call('GET', '/employer/jobs/job_none/funnel', key), 404);
    expectProblem(await call('GET', `/employer/jobs/${jobId}/funnel`, undefined), 401);
  });
});

describe('deliveries, retries, the test event and the signing secret', () => {
  const startEmployer = async (secret: string) => {
    const server = await EmployerServer.start(secret);
    servers.push(server);
    return server;
  };

  it('logs each notification with its attempts; a failed one retried comes out of the dead-letter queue', async () => {
    const employerId = uniqueId('emp');
    const employer = await startEmployer(employerSecret(MASTER, employerId));
    const application = await putApplication(dynamo.documents, tableName, {
      employerId,
      notifyUrl: employer.url(),
    });
    employer.answer({ status: 410 });
    const body = JSON.stringify({
      id: 'e1',
      source: 'reelhire.api',
      'detail-type': 'Application Submitted',
      detail: { applicationId: application.applicationId },
    });
    await expect(
      deliverNotification(
        { kind: 'received', applicationId: application.applicationId, body, attempt: 1, receiptHandle: 'r' },
        notifier,
      ),
    ).rejects.toThrow(/abandoned/);
    deadLetters.send({ body });
    deadLetters.send({
      body: '{"detail-type":"Application Submitted","detail":{"applicationId":"app_other"}}',
    });

    const log = bodyOf(await call('GET', '/employer/deliveries', keyOf(employerId)));
    expect(log).toEqual({
      items: [
        {
          webhookId: application.applicationId,
          type: 'application.received',
          applicationId: application.applicationId,
          state: 'failed',
          attempts: [{ at: expect.any(String), statusCode: 410, durationMs: expect.any(Number) }],
        },
      ],
      nextCursor: null,
    });
    expect(
      bodyOf(await call('GET', '/employer/deliveries', keyOf(employerId), { query: { state: 'pending' } }))
        .items,
    ).toEqual([]);
    expectProblem(
      await call('GET', '/employer/deliveries', keyOf(employerId), { query: { state: 'lost' } }),
      400,
    );
    expectProblem(
      await call('POST', `/employer/deliveries/${application.applicationId}/retry`, keyOf('emp_other')),
      404,
    );

    const retried = await call(
      'POST',
      `/employer/deliveries/${application.applicationId}/retry`,
      keyOf(employerId),
    );
    expect(retried.statusCode).toBe(202);
    expect(deadLetters.counts().visible).toBe(1);
    const [resent] = await queue.receive({ maxMessages: 10, visibilityTimeoutSeconds: 30 });
    expect(resent?.message.body).toBe(body);
    expect(bodyOf(await call('GET', '/employer/deliveries', keyOf(employerId))).items).toEqual([
      expect.objectContaining({ state: 'pending' }),
    ]);
    await deliverNotification(
      { kind: 'received', applicationId: application.applicationId, body, attempt: 1, receiptHandle: 'r2' },
      notifier,
    );
    expect(employer.successes).toHaveLength(1);
    const after = bodyOf(await call('GET', '/employer/deliveries', keyOf(employerId))).items as {
      state: string;
      attempts: unknown[];
    }[];
    expect(after.map((item) => [item.state, item.attempts.length])).toEqual([['delivered', 2]]);
  });

  it('sends a signed endpoint.test once, now, under the SSRF rules', async () => {
    const employerId = uniqueId('emp');
    const employer = await startEmployer(employerSecret(MASTER, employerId));
    const tested = await call('POST', '/employer/test', keyOf(employerId), { body: { url: employer.url() } });
    expect(tested.statusCode).toBe(200);
    expect(bodyOf(tested)).toEqual({ delivered: true, statusCode: 204, durationMs: expect.any(Number) });
    expect(employer.received).toHaveLength(1);
    expect(employer.received[0]?.signatureValid).toBe(true);
    expect(JSON.parse(employer.received[0]?.body ?? '')).toEqual({
      type: 'endpoint.test',
      timestamp: expect.any(String),
      data: { employerId },
    });
    const refused = bodyOf(
      await call('POST', '/employer/test', keyOf(employerId), {
        body: { url: 'http://169.254.169.254/latest' },
      }),
    );
    expect(refused).toMatchObject({ delivered: false, error: expect.stringContaining('https') });
    for (const bad of [{}, { url: 7 }, { url: 'not a url' }, 'nope']) {
      expectProblem(await call('POST', '/employer/test', keyOf(employerId), { body: bad }), 422);
    }
  });

  it('rotates the signing secret: both secrets sign for a day, newest first', async () => {
    const employerId = uniqueId('emp');
    const previous = employerSecret(MASTER, employerId, 0);
    const rotated = await call('POST', '/employer/secret/rotate', keyOf(employerId));
    expect(rotated.statusCode).toBe(200);
    const { secret } = bodyOf(rotated) as { secret: string };
    expect(secret).toBe(employerSecret(MASTER, employerId, 1));
    const employer = await startEmployer(secret);
    await call('POST', '/employer/test', keyOf(employerId), { body: { url: employer.url() } });
    const [request] = employer.received;
    const headers = request?.headers as Record<string, string>;
    const signatures = headers['webhook-signature']?.split(' ') ?? [];
    expect(signatures).toHaveLength(2);
    expect(() => new Webhook(secret).verify(request?.body ?? '', headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(request?.body ?? '', headers)).not.toThrow();
    // Newest first: the first signature is the new secret's alone.
    expect(() =>
      new Webhook(previous).verify(request?.body ?? '', {
        ...headers,
        'webhook-signature': signatures[0] ?? '',
      }),
    ).toThrow();
  });
});

describe('the employer API limit (CONTRACT §7: 10 requests a second, burst 20)', () => {
  /** A handler instance of its own: its own DynamoDB client and limiter, the table and clock shared. */
  const instance = (now: () => Date) =>
    createEmployerApiHandler({
      ...deps,
      rate: new DynamoEmployerRate(localDocumentClient(dynamo.endpoint), tableName, now),
    });

  it('40 concurrent requests across two instances: exactly 20 through, then the rate; 429 with Retry-After', async () => {
    const employerId = uniqueId('emp');
    let instant = new Date('2026-11-21T18:30:00.000Z').getTime();
    const now = () => new Date(instant);
    const [one, two] = [instance(now), instance(now)];
    const on = (index: number) => (index % 2 === 0 ? one : two);
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        on(index)(bearerRequest('GET', '/employer/applications', keyOf(employerId))),
      ),
    );
    const through = burst.filter((response) => response.statusCode === 200);
    expect(through).toHaveLength(20);
    const refused = burst.filter((response) => response.statusCode !== 200);
    expect(refused).toHaveLength(20);
    for (const response of refused) {
      expectProblem(response, 429);
      expect(response.headers?.['retry-after']).toBe('1');
    }

    // A second later, ten more (the sustained rate), and no more.
    instant += 1000;
    const next = await Promise.all(
      Array.from({ length: 15 }, (_, index) =>
        on(index)(bearerRequest('GET', '/employer/applications', keyOf(employerId))),
      ),
    );
    expect(next.filter((response) => response.statusCode === 200)).toHaveLength(10);
    // Another employer has its own budget; a wrong key is 401 and spends none.
    expect(
      (await one(bearerRequest('GET', '/employer/applications', keyOf(uniqueId('emp'))))).statusCode,
    ).toBe(200);
    expectProblem(await one(bearerRequest('GET', '/employer/applications', keyOf(employerId, 7))), 401);
  });

  it('an idle employer gets its whole burst back', async () => {
    const employerId = uniqueId('emp');
    let instant = new Date('2026-11-21T18:30:00.000Z').getTime();
    const handler = instance(() => new Date(instant));
    const call = () => handler(bearerRequest('GET', '/employer/applications', keyOf(employerId)));
    const first = await Promise.all(Array.from({ length: 25 }, call));
    expect(first.filter((response) => response.statusCode === 200)).toHaveLength(20);
    instant += 2000;
    const again = await Promise.all(Array.from({ length: 25 }, call));
    expect(again.filter((response) => response.statusCode === 200)).toHaveLength(20);
  });
});
