import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { requireEnv } from '#shared/config.ts';
import type { ClosingDependencies } from './close-job-applications.ts';
import { DynamoApplications } from './dynamo-applications.ts';
import { ApplicationOutbox } from './outbox.ts';

/** What the application use cases need in a deployed (or locally run) function; fails fast if incomplete. */
export const applicationChangesFromEnvironment = (): ClosingDependencies => {
  const store = new DynamoApplications(documentClient(), requireEnv('TABLE_NAME'));
  const publisher = busPublisher();
  return { store, outbox: new ApplicationOutbox(store, publisher), publisher, now: () => new Date() };
};
