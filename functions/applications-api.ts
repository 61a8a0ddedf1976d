import { DynamoApplySlots } from '#applications/dynamo-apply-slots.ts';
import { applicationChangesFromEnvironment } from '#applications/from-environment.ts';
import { ApplicationSubmissions, newApplicationId } from '#applications/submit-application.ts';
import { createApplicationsApiHandler } from '#apply/applications-api-handler.ts';
import { viewerAuthenticator } from '#apply/viewer-authentication.ts';
import { viewerTokenVerifier } from '#apply/viewer-token.ts';
import { funnelLogFromEnvironment } from '#funnel/from-environment.ts';
import { DynamoEntityReader } from '#links/dynamo-entities.ts';
import { documentClient } from '#shared/aws/dynamo.ts';
import { requireEnv } from '#shared/config.ts';

// Created once per container; a missing variable fails the cold start, not the first request.
const changes = applicationChangesFromEnvironment();
const entities = new DynamoEntityReader(documentClient(), requireEnv('TABLE_NAME'));

/** GET /jobs/{jobId}/apply and POST /jobs/{jobId}/applications. */
export const handler = createApplicationsApiHandler({
  entities,
  submissions: new ApplicationSubmissions({
    ...changes,
    entities,
    newApplicationId,
    slots: new DynamoApplySlots(documentClient(), requireEnv('TABLE_NAME')),
  }),
  authenticateViewer: viewerAuthenticator(viewerTokenVerifier()),
  now: changes.now,
  funnel: funnelLogFromEnvironment(),
});
