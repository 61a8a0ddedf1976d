import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Application, erased } from '#applications/application.ts';
import { DynamoApplications } from '#applications/dynamo-applications.ts';
import { EVENTS } from '#events/catalog.ts';
import {
  deliverNotification,
  NotificationRetryError,
  type NotifierDependencies,
} from '#notify/deliver-notification.ts';
import { DynamoNotificationStore } from '#notify/dynamo-notification-store.ts';
import { GuardedEmployerEndpoint } from '#notify/employer-endpoint.ts';
import { employerSecret } from '#notify/employer-secret.ts';
import type { NotificationKind } from '#notify/notification.ts';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_SECONDS } from '#notify/retry-schedule.ts';
import { systemResolver } from '#notify/ssrf.ts';
import { isSubmittedApplicant } from '#shared/application-views.ts';
import { notificationKey } from '#shared/item-keys.ts';
import { PoisonMessageError } from '#shared/sqs-consumer.ts';
import { EmployerServer } from '../../local/testing/employer-server.ts';
import { putApplication, uniqueId } from '../support/entities.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { RecordingRetryScheduler } from '../support/recording-retry-scheduler.ts';
import { useDynalite } from '../support/shared-resource.ts';

const MASTER_KEY = 'test-master-signing-key';
const DELIVERED = 'Application Notification Delivered';
const FAILED = 'Application Notification Failed';

const dynamo = useDynalite();
let tableName: string;
const servers: EmployerServer[] = [];

beforeAll(async () => {
  tableName = await dynamo.createTable('notify');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const startEmployer = async (employerId: string, secret = employerSecret(MASTER_KEY, employerId)) => {
  const server = await EmployerServer.start(secret);
  servers.push(server);
  return server;
};

/** A clock that starts two minutes ago and moves a minute per reading: within the 5-minute signature window. */
const steppingClock = () => {
  let reading = Date.now() - 120_000;
  return () => {
    const now = new Date(reading);
    reading += 60_000;
    return now;
  };
};

interface Scenario {
  readonly application: Application;
  readonly employer: EmployerServer;
  readonly publisher: RecordingPublisher;
  readonly retries: RecordingRetryScheduler;
  readonly deps: NotifierDependencies;
  /** Runs one delivery of the application's message of `kind` and returns what it threw, if anything. */
  attempt(attempt: number, receiptHandle?: string, kind?: NotificationKind): Promise<unknown>;
}

const scenario = async (
  options: {
    via?: boolean;
    application?: Partial<Application>;
    overrides?: Partial<NotifierDependencies>;
  } = {},
): Promise<Scenario> => {
  const employerId = uniqueId('emp');
  const employer = await startEmployer(employerId);
  const application = await putApplication(dynamo.documents, tableName, {
    employerId,
    notifyUrl: employer.url(),
    ...(options.via ? { via: { platform: 'tiktok', videoId: '7399990000000000001' } } : {}),
    ...options.application,
  });
  const publisher = new RecordingPublisher();
  const retries = new RecordingRetryScheduler();
  const deps: NotifierDependencies = {
    applications: new DynamoApplications(dynamo.documents, tableName),
    notifications: new DynamoNotificationStore(dynamo.documents, tableName),
    endpoint: new GuardedEmployerEndpoint({ local: true, resolve: systemResolver }, 2_000),
    signingSecrets: async (id) => [employerSecret(MASTER_KEY, id)],
    retries,
    publisher,
    now: steppingClock(),
    random: () => 0,
    ...options.overrides,
  };
  return {
    application,
    employer,
    publisher,
    retries,
    deps,
    attempt: (attempt, receiptHandle = `receipt-${attempt}`, kind = 'received') =>
      deliverNotification(
        {
          kind,
          applicationId: application.applicationId,
          body: `{"the":"${kind} event"}`,
          attempt,
          receiptHandle,
        },
        deps,
      ).then(
        () => undefined,
        (error: unknown) => error,
      ),
  };
};

const storedNotification = async (applicationId: string, kind: NotificationKind) =>
  (
    await dynamo.documents.send(
      new GetCommand({ TableName: tableName, Key: notificationKey(applicationId, kind) }),
    )
  ).Item;

/**
 * The employer's last request is the signed `application.<kind>` of a status change: ids and its instant only,
 * under the webhook id `<applicationId>.<kind>`.
 */
const expectLastStatusNotice = (
  { application, employer }: Pick<Scenario, 'application' | 'employer'>,
  kind: Exclude<NotificationKind, 'received'>,
  at: string,
) => {
  const last = employer.received.at(-1);
  expect(last?.signatureValid).toBe(true);
  expect(last?.headers['webhook-id']).toBe(`${application.applicationId}.${kind}`);
  expect(JSON.parse(last?.body ?? '')).toEqual({
    type: `application.${kind}`,
    timestamp: expect.any(String),
    data: {
      applicationId: application.applicationId,
      jobId: application.jobId,
      employerId: application.employerId,
      [`${kind}At`]: at,
    },
  });
};

describe('deliverNotification: application.received', () => {
  it('POSTs application.received from the application record, signed with the employer’s secret, then publishes Delivered', async () => {
    const { application, employer, publisher, attempt } = await scenario({ via: true });
    expect(await attempt(1)).toBeUndefined();

    expect(employer.received).toHaveLength(1);
    const [request] = employer.received;
    expect(request?.signatureValid).toBe(true);
    expect(request?.headers['webhook-id']).toBe(application.applicationId);
    expect(request?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request?.body ?? '');
    expect(body).toEqual({
      type: 'application.received',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      data: {
        applicationId: application.applicationId,
        jobId: application.jobId,
        employerId: application.employerId,
        jobTitle: 'Brand designer for a coffee roaster refresh',
        applicant: {
          profileId: application.profileId,
          handle: 'maya',
          displayName: 'Maya Lindqvist',
          portfolioUrl: `https://contra.com/${application.profileId}`,
        },
        via: { platform: 'tiktok', videoId: '7399990000000000001' },
        submittedAt: '2026-11-21T18:30:00Z',
      },
    });
    expect(publisher.events).toEqual([
      {
        origin: 'notify',
        detailType: DELIVERED,
        detail: {
          applicationId: application.applicationId,
          jobId: application.jobId,
          employerId: application.employerId,
          attempts: 1,
        },
        time: expect.any(Date),
      },
    ]);
    expect(await storedNotification(application.applicationId, 'received')).toMatchObject({
      outcome: 'delivered',
      attempts: 1,
      attemptLog: [{ at: expect.any(String), statusCode: 204, durationMs: expect.any(Number) }],
      trigger: '{"the":"received event"}',
    });
  });

  it('sends via: null when the application named no video', async () => {
    const { employer, attempt } = await scenario();
    await attempt(1);
    expect(JSON.parse(employer.received[0]?.body ?? '').data.via).toBeNull();
  });

  it('retries an employer that fails three times, with growing delays, and succeeds exactly once', async () => {
    const { application, employer, publisher, retries, attempt } = await scenario();
    employer.answer({ status: 500 }, { status: 503 }, { status: 404 }, { status: 202 });

    for (const number of [1, 2, 3]) expect(await attempt(number)).toBeInstanceOf(NotificationRetryError);
    expect(await attempt(4)).toBeUndefined();

    expect(retries.delays).toEqual([
      { receiptHandle: 'receipt-1', delaySeconds: RETRY_DELAYS_SECONDS[0] },
      { receiptHandle: 'receipt-2', delaySeconds: RETRY_DELAYS_SECONDS[1] },
      { receiptHandle: 'receipt-3', delaySeconds: RETRY_DELAYS_SECONDS[2] },
    ]);
    expect(employer.received).toHaveLength(4);
    expect(employer.successes).toHaveLength(1);
    expect(employer.received.every((request) => request.signatureValid)).toBe(true);
    expect(new Set(employer.received.map((request) => request.headers['webhook-id']))).toEqual(
      new Set([application.applicationId]),
    );
    // The same body (its first timestamp), each attempt with its own webhook-timestamp.
    expect(new Set(employer.received.map((request) => request.body)).size).toBe(1);
    expect(new Set(employer.received.map((request) => request.headers['webhook-timestamp'])).size).toBe(4);
    expect(publisher.ofType(DELIVERED).map((event) => event.detail)).toEqual([
      expect.objectContaining({ attempts: 4 }),
    ]);
    expect(publisher.ofType(FAILED)).toHaveLength(0);
    const stored = await storedNotification(application.applicationId, 'received');
    expect(stored?.attemptLog.map((entry: { statusCode?: number }) => entry.statusCode)).toEqual([
      500, 503, 404, 202,
    ]);
  });

  it('stops at once on 410 Gone: Failed, dead-lettered with the reason, no retry', async () => {
    const { application, employer, publisher, retries, attempt } = await scenario();
    employer.answer({ status: 410 });
    const error = await attempt(1);
    expect(error).toBeInstanceOf(PoisonMessageError);
    expect((error as Error).message).toBe(
      `notification ${application.applicationId} abandoned: employer endpoint answered 410 Gone`,
    );
    expect(retries.delays).toHaveLength(0);
    expect(employer.received).toHaveLength(1);
    expect(publisher.events.map((event) => [event.detailType, event.detail])).toEqual([
      [
        FAILED,
        {
          applicationId: application.applicationId,
          jobId: application.jobId,
          employerId: application.employerId,
          attempts: 1,
          error: 'employer endpoint answered 410 Gone',
        },
      ],
    ]);
  });

  it('gives a dead endpoint every scheduled attempt, then publishes Failed and dead-letters', async () => {
    const { employer, publisher, retries, attempt } = await scenario();
    await employer.close();
    servers.splice(servers.indexOf(employer), 1);

    for (let number = 1; number < MAX_DELIVERY_ATTEMPTS; number++) {
      expect(await attempt(number)).toBeInstanceOf(NotificationRetryError);
    }
    expect(publisher.events).toHaveLength(0);
    const last = await attempt(MAX_DELIVERY_ATTEMPTS);

    expect(last).toBeInstanceOf(PoisonMessageError);
    expect((last as Error).message).toMatch(/abandoned: gave up after 12 attempts; last: .*ECONNREFUSED/);
    expect(retries.delays.map((delay) => delay.delaySeconds)).toEqual(RETRY_DELAYS_SECONDS);
    expect(publisher.events.map((event) => event.detailType)).toEqual([FAILED]);
    expect(publisher.events[0]?.detail).toMatchObject({
      attempts: 12,
      error: expect.stringContaining('gave up'),
    });
  });

  it('sends nothing more for a duplicate message of a delivered notification', async () => {
    const { employer, publisher, attempt } = await scenario();
    await attempt(1);
    expect(await attempt(1, 'receipt-of-a-duplicate')).toBeUndefined();
    expect(employer.received).toHaveLength(1);
    expect(publisher.ofType(DELIVERED)).toHaveLength(1);
  });

  it('builds one notification when two messages of the same application race, and announces it once', async () => {
    const { employer, publisher, attempt } = await scenario();
    expect(await Promise.all([attempt(1, 'a'), attempt(1, 'b')])).toEqual([undefined, undefined]);
    expect(new Set(employer.received.map((request) => JSON.parse(request.body).timestamp)).size).toBe(1);
    expect(publisher.ofType(DELIVERED)).toHaveLength(1);
  });

  it('announces Delivered after a crash between the delivery and the publish, without sending again', async () => {
    const { employer, publisher, attempt } = await scenario();
    publisher.refusals = 1;
    const crashed = await attempt(1);
    expect(crashed).toBeInstanceOf(Error);
    expect(crashed).not.toBeInstanceOf(PoisonMessageError);

    expect(await attempt(2)).toBeUndefined();
    expect(employer.received).toHaveLength(1);
    expect(publisher.ofType(DELIVERED)).toHaveLength(1);
  });

  it('refuses an endpoint whose host resolves to a non-public address: Failed at once, nothing sent', async () => {
    const employer = await startEmployer('emp_rebind');
    const { publisher, attempt } = await scenario({
      application: { notifyUrl: `https://hooks.rebind.example:${employer.port}/hook` },
      overrides: {
        endpoint: new GuardedEmployerEndpoint({
          local: false,
          resolve: async () => [{ address: '127.0.0.1', family: 4 }],
        }),
      },
    });
    expect(await attempt(1)).toBeInstanceOf(PoisonMessageError);
    expect(employer.received).toHaveLength(0);
    expect(publisher.ofType(FAILED)[0]?.detail).toMatchObject({
      error:
        'employer endpoint refused: notifyUrl host hooks.rebind.example resolves to 127.0.0.1 (loopback)',
    });
  });

  it('dead-letters a message whose application is unknown, sending nothing', async () => {
    const { employer, deps } = await scenario();
    const error = await deliverNotification(
      { kind: 'received', applicationId: 'app_never', body: '{}', attempt: 1, receiptHandle: 'r' },
      deps,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoisonMessageError);
    expect(employer.received).toHaveLength(0);
  });

  it('sends a failed notification again when it is redriven from the dead-letter queue', async () => {
    const { employer, publisher, attempt } = await scenario();
    employer.answer({ status: 410 }, { status: 200 });
    expect(await attempt(1)).toBeInstanceOf(PoisonMessageError);
    // The failed message re-delivered before it reached the DLQ: dead-lettered again, nothing sent.
    expect(await attempt(2)).toBeInstanceOf(PoisonMessageError);
    expect(employer.received).toHaveLength(1);

    expect(await attempt(1, 'receipt-after-redrive')).toBeUndefined();
    expect(employer.received).toHaveLength(2);
    expect(publisher.events.map((event) => event.detailType)).toEqual([FAILED, DELIVERED]);
  });

  it('signs with every current secret, newest first: the receiver verifies with either', async () => {
    const employerId = uniqueId('emp');
    const previous = employerSecret(MASTER_KEY, employerId, 0);
    const current = employerSecret(MASTER_KEY, employerId, 1);
    const withPrevious = await startEmployer(employerId, previous);
    const { application, attempt, employer } = await scenario({
      application: { employerId, notifyUrl: withPrevious.url() },
      overrides: { signingSecrets: async () => [current, previous] },
    });
    expect(employer.received).toHaveLength(0);
    expect(await attempt(1)).toBeUndefined();
    const [request] = withPrevious.received;
    expect(request?.signatureValid).toBe(true);
    const headers = request?.headers as Record<string, string>;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(request?.body ?? '', headers)).not.toThrow();
    expect(headers['webhook-id']).toBe(application.applicationId);
  });

  it('keeps secrets out of events, the stored notification and the logs', async () => {
    const written: string[] = [];
    const capture = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const { application, employer, publisher, attempt } = await scenario();
      employer.answer({ status: 500 });
      await attempt(1);
      await attempt(2);
      const item = await storedNotification(application.applicationId, 'received');
      const everything = [JSON.stringify(publisher.events), JSON.stringify(item), written.join('')].join(
        '\n',
      );
      expect(written.join('')).toContain('employer notification attempt');
      const secret = employerSecret(MASTER_KEY, application.employerId);
      for (const forbidden of [MASTER_KEY, secret, secret.slice('whsec_'.length)]) {
        expect(everything).not.toContain(forbidden);
      }
      expect(everything).not.toContain(employer.received[0]?.headers['webhook-signature']);
      const { applicant } = application;
      if (!isSubmittedApplicant(applicant)) throw new Error('the sample applicant is not erased');
      for (const personal of [applicant.displayName, applicant.portfolioUrl]) {
        expect(written.join('')).not.toContain(personal);
      }
    } finally {
      capture.mockRestore();
    }
  });
});

describe('deliverNotification: application.withdrawn, never before application.received', () => {
  const withdrawnApplication = { status: 'withdrawn' as const, history: [] as Application['history'] };
  const withdrawn = (submittedAt: string): Partial<Application> => ({
    ...withdrawnApplication,
    history: [
      { status: 'submitted', at: submittedAt, by: 'applicant' },
      { status: 'withdrawn', at: '2026-11-22T08:00:00Z', by: 'applicant' },
    ],
  });

  it('waits (a delayed copy of its message) while received is being retried, then goes once received is delivered', async () => {
    const { application, employer, retries, attempt } = await scenario({
      application: withdrawn('2026-11-21T18:30:00Z'),
    });
    employer.answer({ status: 503 });
    expect(await attempt(1, 'received-1', 'received')).toBeInstanceOf(NotificationRetryError);

    expect(await attempt(1, 'withdrawn-1', 'withdrawn')).toBeUndefined();
    expect(employer.received).toHaveLength(1);
    expect(retries.resent).toEqual([{ body: '{"the":"withdrawn event"}', delaySeconds: expect.any(Number) }]);
    // It looks again just after received's next attempt (5 s on), not sooner.
    expect(retries.resent[0]?.delaySeconds).toBeGreaterThanOrEqual(2);

    expect(await attempt(2, 'received-2', 'received')).toBeUndefined();
    expect(await attempt(1, 'withdrawn-2', 'withdrawn')).toBeUndefined();
    expect(employer.received.map((request) => JSON.parse(request.body).type)).toEqual([
      'application.received',
      'application.received',
      'application.withdrawn',
    ]);
    expectLastStatusNotice({ application, employer }, 'withdrawn', '2026-11-22T08:00:00Z');
  });

  it('waits for a received that is not even built yet', async () => {
    const { employer, retries, attempt } = await scenario({ application: withdrawn('2026-11-21T18:30:00Z') });
    expect(await attempt(1, 'withdrawn-1', 'withdrawn')).toBeUndefined();
    expect(employer.received).toHaveLength(0);
    expect(retries.resent).toHaveLength(1);
  });

  it('still goes when received failed for good, and announces no Delivered/Failed of its own', async () => {
    const { employer, publisher, attempt } = await scenario({
      application: withdrawn('2026-11-21T18:30:00Z'),
    });
    employer.answer({ status: 410 }, { status: 200 });
    expect(await attempt(1, 'received-1', 'received')).toBeInstanceOf(PoisonMessageError);
    expect(await attempt(1, 'withdrawn-1', 'withdrawn')).toBeUndefined();
    expect(employer.received.map((request) => request.headers['webhook-id'])).toHaveLength(2);
    expect(JSON.parse(employer.received[1]?.body ?? '').type).toBe('application.withdrawn');
    expect(publisher.events.map((event) => event.detailType)).toEqual([FAILED]);
  });
});

describe('deliverNotification: an erased application (CONTRACT §7)', () => {
  /** Erases the stored application as the erasure does (one conditional write on its revision). */
  const erase = async (application: Application): Promise<Application> => {
    const store = new DynamoApplications(dynamo.documents, tableName);
    const current = await store.byId(application.applicationId);
    const after = current && erased(current, '2026-11-23T00:00:00Z');
    if (!current || !after || !(await store.replace(after, current.revision))) throw new Error('not erased');
    return after;
  };
  const personalValues = (application: Application): string[] => {
    const { applicant } = application;
    return isSubmittedApplicant(applicant)
      ? [applicant.handle, applicant.displayName, applicant.portfolioUrl, '7399990000000000001']
      : [];
  };

  it('rebuilds a received still being retried from the erased record, then sends application.erased after it', async () => {
    const { application, employer, retries, attempt } = await scenario({ via: true });
    employer.answer({ status: 503 });
    expect(await attempt(1, 'received-1', 'received')).toBeInstanceOf(NotificationRetryError);
    expect(employer.received[0]?.body).toContain('Maya Lindqvist');
    await erase(application);

    // application.erased waits while received is pending…
    expect(await attempt(1, 'erased-1', 'erased')).toBeUndefined();
    expect(retries.resent).toEqual([{ body: '{"the":"erased event"}', delaySeconds: expect.any(Number) }]);
    // …whose retry carries nothing personal any more…
    expect(await attempt(2, 'received-2', 'received')).toBeUndefined();
    const retried = employer.received[1];
    expect(JSON.parse(retried?.body ?? '').data).toMatchObject({
      applicant: { profileId: application.profileId, erased: true },
      via: null,
      jobTitle: 'Brand designer for a coffee roaster refresh',
    });
    for (const value of personalValues(application)) expect(retried?.body).not.toContain(value);
    // …then application.erased goes, signed, with ids and the instant only.
    expect(await attempt(1, 'erased-2', 'erased')).toBeUndefined();
    expectLastStatusNotice({ application, employer }, 'erased', '2026-11-23T00:00:00Z');
    // A duplicate Application Erased sends nothing again.
    expect(await attempt(1, 'erased-3', 'erased')).toBeUndefined();
    expect(employer.received).toHaveLength(3);
  });

  it('rebuilds a dead-lettered received from the erased record when it is redriven', async () => {
    const { application, employer, attempt } = await scenario({ via: true });
    employer.answer({ status: 410 });
    expect(await attempt(1, 'received-1', 'received')).toBeInstanceOf(PoisonMessageError);
    await erase(application);
    // The redriven message is a fresh one (receive count 1): the failed notification is reopened and sent.
    expect(await attempt(1, 'redriven-1', 'received')).toBeUndefined();
    const redriven = employer.received[1];
    expect(JSON.parse(redriven?.body ?? '').data.applicant).toEqual({
      profileId: application.profileId,
      erased: true,
    });
    for (const value of personalValues(application)) expect(redriven?.body).not.toContain(value);
  });

  it('keeps ids only in what a dead-lettered message holds: the event that asked for the notification', () => {
    // A notifier message is the bus event that asked for it; its body is rebuilt at delivery, never queued.
    for (const name of ['applicationSubmitted', 'applicationWithdrawn', 'applicationErased'] as const) {
      const fields = Object.keys(EVENTS[name].schema.shape);
      expect(
        fields.filter((field) => !/Id$|At$|^via$/.test(field)),
        name,
      ).toEqual([]);
    }
  });
});
