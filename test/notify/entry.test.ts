import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { employerSecret } from '#notify/employer-secret.ts';
import { RETRY_DELAYS_SECONDS } from '#notify/retry-schedule.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { type LocalSecretsManager, startLocalSecretsManager } from '../support/secrets-manager.ts';
import { SqsRecorder } from '../support/sqs-recorder.ts';
import { importBundledHandler, synthesized } from '../support/synth.ts';
import { EmployerServer } from './support/employer-server.ts';
import { putJob, putProfile, uniqueId } from './support/entities.ts';

/** The notifier's bundle as the runtime loads it: wired from the environment the stack sets. */

const MASTER_KEY = 'entry-master-signing-key';
const EMPLOYER_ID = 'emp_entry';
let dynamo: LocalDynamo;
let sqs: SqsRecorder;
let employer: EmployerServer;
let secrets: LocalSecretsManager;
let tableName: string;

beforeAll(async () => {
  synthesized();
  dynamo = await startDynalite();
  tableName = await dynamo.createTable('notifier-entry');
  sqs = await SqsRecorder.start();
  secrets = await startLocalSecretsManager({ EMPLOYER_SIGNING_KEY: MASTER_KEY });
  employer = await EmployerServer.start(employerSecret(MASTER_KEY, EMPLOYER_ID));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([dynamo.close(), sqs.close(), employer.close(), secrets.close()]);
});

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
const load = async (): Promise<Handler> => (await importBundledHandler('notifier')) as Handler;

describe('the notifier as deployed (functions/notifier.ts, bundled)', () => {
  it('fails at load when QUEUE_URL is missing', async () => {
    vi.stubEnv('TABLE_NAME', 'any');
    vi.stubEnv('QUEUE_URL', '');
    await expect(load()).rejects.toThrow('missing required environment variable QUEUE_URL');
  });

  it('signs with the secret derived from the EMPLOYER_SIGNING_KEY secret and delays retries on QUEUE_URL', async () => {
    const queueUrl = sqs.queueUrl('notifications');
    vi.stubEnv('TABLE_NAME', tableName);
    vi.stubEnv('QUEUE_URL', queueUrl);
    vi.stubEnv('DEAD_LETTER_QUEUE_URL', sqs.queueUrl('notifications-dlq'));
    vi.stubEnv('MAX_RECEIVE_COUNT', '12');
    vi.stubEnv('EVENT_BUS_NAME', 'reelhire-test');
    vi.stubEnv('REELHIRE_MODE', 'local');
    // EMPLOYER_SIGNING_KEY_NAME, read from the local Secrets Manager as in the cloud.
    for (const [name, value] of Object.entries(secrets.environment)) vi.stubEnv(name, value);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', sqs.endpoint);
    const handler = await load();

    const jobId = uniqueId('job');
    const profileId = uniqueId('prof');
    await putJob(dynamo.documents, tableName, { jobId, employerId: EMPLOYER_ID, notifyUrl: employer.url() });
    await putProfile(dynamo.documents, tableName, { profileId });
    employer.answer({ status: 503 });
    const event = {
      id: 'event-1',
      source: 'reelhire.api',
      'detail-type': 'Application Submitted',
      detail: { applicationId: uniqueId('app'), jobId, profileId, submittedAt: '2026-11-21T18:30:00Z' },
    };
    const response = await handler(
      {
        Records: [
          {
            messageId: 'message-1',
            receiptHandle: 'receipt-1',
            body: JSON.stringify(event),
            attributes: {
              ApproximateReceiveCount: '1',
              SentTimestamp: '0',
              SenderId: 'events',
              ApproximateFirstReceiveTimestamp: '0',
            },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:notifications',
            awsRegion: 'us-east-1',
          },
        ],
      },
      {
        callbackWaitsForEmptyEventLoop: false,
        functionName: 'notifier',
        functionVersion: '$LATEST',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:notifier',
        memoryLimitInMB: '256',
        awsRequestId: 'request-1',
        logGroupName: 'notifier',
        logStreamName: 'stream',
        getRemainingTimeInMillis: () => 30_000,
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
      },
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'message-1' }]);
    expect(employer.received).toHaveLength(1);
    expect(employer.received[0]?.signatureValid).toBe(true);
    const [change] = sqs.ofAction('ChangeMessageVisibility');
    expect(change?.input).toMatchObject({ QueueUrl: queueUrl, ReceiptHandle: 'receipt-1' });
    const delay = Number(change?.input.VisibilityTimeout);
    expect(delay).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS[0]!);
    expect(delay).toBeLessThanOrEqual(RETRY_DELAYS_SECONDS[0]! * 1.1);
  });
});
