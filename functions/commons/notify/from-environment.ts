import { documentClient } from '#shared/aws/dynamo.ts';
import { signingSecret } from '#shared/aws/secrets.ts';
import { SqsMessages } from '#shared/aws/sqs-messages.ts';
import { isLocalMode, requireEnv } from '#shared/config.ts';
import { DeliveryLog } from './delivery-log.ts';
import { DynamoNotificationStore } from './dynamo-notification-store.ts';
import { GuardedEmployerEndpoint } from './employer-endpoint.ts';
import { derivedEmployerSecrets, type SecretGenerations, signingSecrets } from './employer-secret.ts';
import { EndpointTester } from './endpoint-test.ts';
import { NOTIFICATION_DEAD_LETTER_QUEUE_VARIABLE, NOTIFICATION_QUEUE_VARIABLE } from './routes.ts';
import { systemResolver } from './ssrf.ts';

/** The guarded endpoint of this deployment: local mode also reaches http on loopback. */
export const employerEndpoint = (): GuardedEmployerEndpoint =>
  new GuardedEmployerEndpoint({ local: isLocalMode(), resolve: systemResolver });

const masterKey = () => signingSecret('EMPLOYER_SIGNING_KEY');

/** Every secret that signs an employer's notifications now, from the master key and the stored generations. */
export const signingSecretsFrom = (generations: SecretGenerations) => signingSecrets(masterKey, generations);

/** An employer's signing secret of a generation, derived from this deployment's master key. */
export const employerSecretsFromEnvironment = () => derivedEmployerSecrets(masterKey);

/** What the employer API does with notifications (its delivery log, retries, the test event), from the environment. */
export const employerNotificationsFromEnvironment = (generations: SecretGenerations) => {
  const now = () => new Date();
  return {
    deliveries: new DeliveryLog({
      notifications: new DynamoNotificationStore(documentClient(), requireEnv('TABLE_NAME')),
      queue: SqsMessages.of(requireEnv(NOTIFICATION_QUEUE_VARIABLE)),
      deadLetters: SqsMessages.of(requireEnv(NOTIFICATION_DEAD_LETTER_QUEUE_VARIABLE)),
      now,
    }),
    endpointTest: new EndpointTester({
      endpoint: employerEndpoint(),
      signingSecrets: signingSecretsFrom(generations),
      now,
    }),
  };
};
