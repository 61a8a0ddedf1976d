import { DynamoApplications } from '#applications/dynamo-applications.ts';
import { secretGenerationsFromEnvironment } from '#employers/from-environment.ts';
import { DynamoNotificationStore } from '#notify/dynamo-notification-store.ts';
import { employerEndpoint, signingSecretsFrom } from '#notify/from-environment.ts';
import { createNotifierHandler } from '#notify/notifier-handler.ts';
import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { sqsRetryScheduler } from '#shared/aws/sqs-retry-scheduler.ts';
import { requireEnv } from '#shared/config.ts';

// Created once per container; a missing variable fails the cold start, not the first message.
const tableName = requireEnv('TABLE_NAME');
const documents = documentClient();

/** Application Submitted / Withdrawn → the employer's signed notification, in order, retried on QUEUE_URL. */
export const handler = createNotifierHandler({
  applications: new DynamoApplications(documents, tableName),
  notifications: new DynamoNotificationStore(documents, tableName),
  endpoint: employerEndpoint(),
  signingSecrets: signingSecretsFrom(secretGenerationsFromEnvironment()),
  retries: sqsRetryScheduler(requireEnv('QUEUE_URL')),
  publisher: busPublisher(),
  now: () => new Date(),
});
