import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoApplications } from '#applications/dynamo-applications.ts';
import { type ApplicationSubmitted, EVENTS, sourceOf } from '#events/catalog.ts';
import { DynamoNotificationStore } from '#notify/dynamo-notification-store.ts';
import { GuardedEmployerEndpoint } from '#notify/employer-endpoint.ts';
import { employerSecret } from '#notify/employer-secret.ts';
import { createNotifierHandler } from '#notify/notifier-handler.ts';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_SECONDS } from '#notify/retry-schedule.ts';
import { systemResolver } from '#notify/ssrf.ts';
import { SqsRetryScheduler } from '#shared/aws/sqs-retry-scheduler.ts';
import { localClientConfig } from '../../local/testing/local-clients.ts';
import { lambdaContext, sqsEvent, sqsRecord, stubLocalAwsEnvironment } from '../support/aws-inputs.ts';
import { putApplication, uniqueId } from '../support/entities.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite, useEmployerServer, useSqsRecorder } from '../support/shared-resource.ts';

/**
 * The notifier as Lambda runs it: SQS records in, the shared consumer (partial batch responses, reasoned
 * dead-lettering) around the use case, the real SQS adapter for retry delays and the real DynamoDB protocol.
 */

const MASTER_KEY = 'handler-test-master-key';
const EMPLOYER_ID = 'emp_handler';

const dynamo = useDynalite();
let tableName: string;
const sqs = useSqsRecorder();
const employer = useEmployerServer(employerSecret(MASTER_KEY, EMPLOYER_ID));
let publisher: RecordingPublisher;
let handler: ReturnType<typeof createNotifierHandler>;
let queueUrl: string;

beforeAll(async () => {
  tableName = await dynamo.createTable('notifier');
  queueUrl = sqs.queueUrl('application-notifications');
  // What the stack sets on the function (the consumer reads them); the SDK talks to the recorder only.
  stubLocalAwsEnvironment({ SQS: sqs.endpoint });
  vi.stubEnv('DEAD_LETTER_QUEUE_URL', sqs.queueUrl('application-notifications-dlq'));
  vi.stubEnv('MAX_RECEIVE_COUNT', String(MAX_DELIVERY_ATTEMPTS));
  publisher = new RecordingPublisher();
  handler = createNotifierHandler({
    applications: new DynamoApplications(dynamo.documents, tableName),
    notifications: new DynamoNotificationStore(dynamo.documents, tableName),
    endpoint: new GuardedEmployerEndpoint({ local: true, resolve: systemResolver }, 2_000),
    signingSecrets: async (employerId) => [employerSecret(MASTER_KEY, employerId)],
    retries: new SqsRetryScheduler(new SQSClient(localClientConfig(sqs.endpoint)), queueUrl),
    publisher,
    now: () => new Date(),
    random: () => 0,
  });
});

afterAll(() => {
  vi.unstubAllEnvs();
});

const newApplication = async (notifyUrl = employer.url()): Promise<ApplicationSubmitted> => {
  const { applicationId, jobId, profileId, submittedAt } = await putApplication(dynamo.documents, tableName, {
    employerId: EMPLOYER_ID,
    notifyUrl,
  });
  return { applicationId, jobId, profileId, submittedAt };
};

/** An Application Submitted as the notifications queue delivers it, on its `receiveCount`-th receive. */
const recordOf = (detail: unknown, receiveCount: number, messageId = uniqueId('msg')): SQSRecord =>
  sqsRecord(
    { source: sourceOf('api'), 'detail-type': EVENTS.applicationSubmitted.detailType, detail },
    { receiveCount, messageId, queue: 'application-notifications' },
  );

const invoke = (...records: SQSRecord[]): Promise<SQSBatchResponse> =>
  handler(sqsEvent(...records), lambdaContext('notifier'));

describe('notifier handler', () => {
  it('keeps a failed message on the queue, hidden for the first retry delay', async () => {
    const application = await newApplication();
    employer.answer({ status: 503 });
    const record = recordOf(application, 1);
    const sqsCallsBefore = sqs.calls.length;

    await expect(invoke(record)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(sqs.calls.slice(sqsCallsBefore)).toEqual([
      {
        action: 'ChangeMessageVisibility',
        input: {
          QueueUrl: queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: RETRY_DELAYS_SECONDS[0],
        },
      },
    ]);

    await expect(invoke(recordOf(application, 2, record.messageId))).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(
      publisher.ofType('Application Notification Delivered').map((event) => event.detail),
    ).toContainEqual(expect.objectContaining({ applicationId: application.applicationId, attempts: 2 }));
  });

  it('dead-letters with the reason and publishes Failed after the last attempt', async () => {
    const application = await newApplication('http://127.0.0.1:1/unreachable');
    const record = recordOf(application, MAX_DELIVERY_ATTEMPTS);

    await expect(invoke(record)).resolves.toEqual({ batchItemFailures: [] });
    const deadLettered = sqs.ofAction('SendMessage').find((call) => call.input.MessageBody === record.body);
    expect(deadLettered?.input).toMatchObject({
      QueueUrl: sqs.queueUrl('application-notifications-dlq'),
      MessageAttributes: {
        reason: {
          DataType: 'String',
          StringValue: expect.stringMatching(/^notification \S+ abandoned: gave up after/),
        },
        errorType: { DataType: 'String', StringValue: 'PoisonMessageError' },
      },
    });
    expect(publisher.ofType('Application Notification Failed').map((event) => event.detail)).toContainEqual(
      expect.objectContaining({ applicationId: application.applicationId }),
    );
  });

  it('dead-letters a 410 at the first attempt', async () => {
    const application = await newApplication();
    employer.answer({ status: 410 });
    const record = recordOf(application, 1);
    await expect(invoke(record)).resolves.toEqual({ batchItemFailures: [] });
    expect(sqs.ofAction('SendMessage').find((call) => call.input.MessageBody === record.body)).toBeDefined();
  });

  it('dead-letters an Application Submitted whose detail does not fit, sending nothing', async () => {
    const received = employer.received.length;
    const record = recordOf({ applicationId: '', jobId: 'job_x' }, 1);
    await expect(invoke(record)).resolves.toEqual({ batchItemFailures: [] });
    const deadLettered = sqs.ofAction('SendMessage').find((call) => call.input.MessageBody === record.body);
    expect(deadLettered?.input).toMatchObject({
      MessageAttributes: { errorType: { StringValue: 'EventSchemaError' } },
    });
    expect(employer.received).toHaveLength(received);
  });

  it('reports only the failing messages of a batch', async () => {
    const delivered = await newApplication();
    const failing = await newApplication('http://127.0.0.1:1/unreachable');
    const records = [recordOf(delivered, 1), recordOf(failing, 1)];
    await expect(invoke(...records)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: records[1]?.messageId }],
    });
  });
});
