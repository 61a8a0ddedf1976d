import { newApplicationId } from '#apply/application-store.ts';
import { createApplicationsApiHandler } from '#apply/applications-api-handler.ts';
import { DynamoApplicationStore } from '#apply/dynamo-application-store.ts';
import { viewerTokenVerifier } from '#apply/viewer-token.ts';
import { firehoseFunnelLog } from '#funnel/firehose-funnel-log.ts';
import { FUNNEL_STREAM_VARIABLE } from '#funnel/funnel-log.ts';
import { DynamoEntityReader } from '#links/dynamo-entities.ts';
import { documentClient } from '#shared/aws/dynamo.ts';
import { busPublisher } from '#shared/aws/event-bus.ts';
import { requireEnv } from '#shared/config.ts';

// Created once per container; a missing variable fails the cold start, not the first request.
const tableName = requireEnv('TABLE_NAME');
const documents = documentClient();

/** GET /jobs/{jobId}/apply and POST /jobs/{jobId}/applications. */
export const handler = createApplicationsApiHandler({
  entities: new DynamoEntityReader(documents, tableName),
  applications: new DynamoApplicationStore(documents, tableName),
  publisher: busPublisher(),
  verifyViewerToken: viewerTokenVerifier(),
  now: () => new Date(),
  newApplicationId,
  funnel: firehoseFunnelLog(requireEnv(FUNNEL_STREAM_VARIABLE)),
});
