import { randomUUID } from 'node:crypto';
import { documentClient } from '#commons/adapters/dynamo.ts';
import { busPublisher } from '#commons/adapters/event-bus.ts';
import { DynamoApplicationStore } from '#commons/apply/application-store.ts';
import { createApplicationsApi } from '#commons/apply/applications-api.ts';
import { viewerTokenVerifier } from '#commons/apply/viewer-token.ts';
import { requireEnv } from '#commons/config.ts';
import { EntityReader } from '#commons/store/entities.ts';

// Created once per container; a missing variable fails the cold start, not the first request.
const tableName = requireEnv('TABLE_NAME');
const documents = documentClient();

/** GET /jobs/{jobId}/apply and POST /jobs/{jobId}/applications (lib/routing.ts HTTP_ROUTES). */
export const handler = createApplicationsApi({
  entities: new EntityReader(documents, tableName),
  applications: new DynamoApplicationStore(documents, tableName),
  publisher: busPublisher(),
  verifyViewerToken: viewerTokenVerifier(),
  now: () => new Date(),
  newApplicationId: () => `app_${randomUUID()}`,
});
