import { EmployerApplications } from '#applications/employer-applications.ts';
import { applicationChangesFromEnvironment } from '#applications/from-environment.ts';
import { DynamoEmployerRate } from '#employers/dynamo-employer-rate.ts';
import { createEmployerApiHandler } from '#employers/employer-api-handler.ts';
import {
  employerAccountsFromEnvironment,
  secretGenerationsFromEnvironment,
} from '#employers/from-environment.ts';
import { funnelLogFromEnvironment, funnelReaderFromEnvironment } from '#funnel/from-environment.ts';
import { DynamoEntityReader } from '#links/dynamo-entities.ts';
import {
  employerNotificationsFromEnvironment,
  employerSecretsFromEnvironment,
} from '#notify/from-environment.ts';
import { documentClient } from '#shared/aws/dynamo.ts';
import { requireEnv } from '#shared/config.ts';

/**
 * The employer API: its applications (the pull inbox), status changes, deliveries, the test event, rotations,
 * its jobs' funnels.
 */
export const handler = createEmployerApiHandler({
  accounts: employerAccountsFromEnvironment(employerSecretsFromEnvironment()),
  applications: new EmployerApplications(applicationChangesFromEnvironment()),
  ...employerNotificationsFromEnvironment(secretGenerationsFromEnvironment()),
  rate: new DynamoEmployerRate(documentClient(), requireEnv('TABLE_NAME'), () => new Date()),
  jobs: new DynamoEntityReader(documentClient(), requireEnv('TABLE_NAME')),
  funnelLog: funnelLogFromEnvironment(),
  funnelReader: funnelReaderFromEnvironment(),
});
