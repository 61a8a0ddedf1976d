import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENTS, sourceOf } from '#events/catalog.ts';
import { employerSecret } from '#notify/employer-secret.ts';
import { RETRY_DELAYS_SECONDS } from '#notify/retry-schedule.ts';
import { lambdaContext, sqsEvent, sqsRecord, stubLocalAwsEnvironment } from '../support/aws-inputs.ts';
import { putApplication } from '../support/entities.ts';
import {
  useDynalite,
  useEmployerServer,
  useLocalSecretsManager,
  useSqsRecorder,
} from '../support/shared-resource.ts';
import { importBundledHandler, synthesized } from '../support/synth.ts';

/** The notifier's bundle as the runtime loads it: wired from the environment the stack sets. */

const MASTER_KEY = 'entry-master-signing-key';
const EMPLOYER_ID = 'emp_entry';
const dynamo = useDynalite();
const sqs = useSqsRecorder();
const employer = useEmployerServer(employerSecret(MASTER_KEY, EMPLOYER_ID));
const secrets = useLocalSecretsManager({ EMPLOYER_SIGNING_KEY: MASTER_KEY });
let tableName: string;

beforeAll(async () => {
  synthesized();
  tableName = await dynamo.createTable('notifier-entry');
});
afterAll(() => {
  vi.unstubAllEnvs();
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
    stubLocalAwsEnvironment({ DYNAMODB: dynamo.endpoint, SQS: sqs.endpoint });
    const handler = await load();

    const { applicationId, jobId, profileId, submittedAt } = await putApplication(
      dynamo.documents,
      tableName,
      {
        employerId: EMPLOYER_ID,
        notifyUrl: employer.url(),
      },
    );
    employer.answer({ status: 503 });
    const record = sqsRecord(
      {
        source: sourceOf('api'),
        'detail-type': EVENTS.applicationSubmitted.detailType,
        detail: { applicationId, jobId, profileId, submittedAt },
      },
      { queue: 'notifications' },
    );
    const response = await handler(sqsEvent(record), lambdaContext('notifier'));

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(employer.received).toHaveLength(1);
    expect(employer.received[0]?.signatureValid).toBe(true);
    const [change] = sqs.ofAction('ChangeMessageVisibility');
    expect(change?.input).toMatchObject({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle });
    const delay = Number(change?.input.VisibilityTimeout);
    expect(delay).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS[0]!);
    expect(delay).toBeLessThanOrEqual(RETRY_DELAYS_SECONDS[0]! * 1.1);
  });
});
