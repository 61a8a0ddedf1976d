import { DynamoEntityReader } from '#links/dynamo-entities.ts';
import { DynamoNotificationStore } from '#notify/dynamo-notification-store.ts';
import { GuardedEmployerEndpoint } from '#notify/employer-endpoint.ts';
import { derivedEmployerSecrets } from '#notify/employer-secret.ts';
import { createNotifierHandler } from '#notify/notifier-handler.ts';
import { systemResolver } from '#notify/ssrf.ts';
import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { signingSecret } from '#shared/aws/secrets.ts';
import { sqsRetryScheduler } from '#shared/aws/sqs-retry-scheduler.ts';
import { isLocalMode, requireEnv } from '#shared/config.ts';

// Created once per container; a missing variable fails the cold start, not the first message.
const tableName = requireEnv('TABLE_NAME');
const queueUrl = requireEnv('QUEUE_URL');
const documents = documentClient();

/** Application Submitted → the employer's signed application.received, retried on QUEUE_URL's schedule. */
export const handler = createNotifierHandler({
  entities: new DynamoEntityReader(documents, tableName),
  notifications: new DynamoNotificationStore(documents, tableName),
  endpoint: new GuardedEmployerEndpoint({ local: isLocalMode(), resolve: systemResolver }),
  employerSecret: derivedEmployerSecrets(() => signingSecret('EMPLOYER_SIGNING_KEY')),
  retries: sqsRetryScheduler(queueUrl),
  publisher: busPublisher(),
  now: () => new Date(),
});
