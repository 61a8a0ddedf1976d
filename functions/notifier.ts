import { SQSClient } from '@aws-sdk/client-sqs';
import { documentClient } from '#commons/adapters/dynamo.ts';
import { busPublisher } from '#commons/adapters/event-bus.ts';
import { signingSecret } from '#commons/adapters/secrets.ts';
import { SqsRetryScheduler } from '#commons/adapters/sqs-retry-scheduler.ts';
import { isLocalMode, requireEnv } from '#commons/config.ts';
import { GuardedEmployerEndpoint } from '#commons/notify/employer-endpoint.ts';
import { employerSecret } from '#commons/notify/employer-secret.ts';
import { DynamoNotificationStore } from '#commons/notify/notification-store.ts';
import { createNotifierHandler } from '#commons/notify/notifier-handler.ts';
import { systemResolver } from '#commons/notify/ssrf.ts';
import { EntityReader } from '#commons/store/entities.ts';

// Created once per container; a missing variable fails the cold start, not the first message.
const tableName = requireEnv('TABLE_NAME');
const queueUrl = requireEnv('QUEUE_URL');
const documents = documentClient();

export const handler = createNotifierHandler({
  entities: new EntityReader(documents, tableName),
  notifications: new DynamoNotificationStore(documents, tableName),
  endpoint: new GuardedEmployerEndpoint({ local: isLocalMode(), resolve: systemResolver }),
  employerSecret: async (employerId) =>
    employerSecret(await signingSecret('EMPLOYER_SIGNING_KEY'), employerId),
  retries: new SqsRetryScheduler(new SQSClient({}), queueUrl),
  publisher: busPublisher(),
  now: () => new Date(),
});
