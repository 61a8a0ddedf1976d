import { DynamoApplications } from '#applications/dynamo-applications.ts';
import { DynamoApplySlots } from '#applications/dynamo-apply-slots.ts';
import { ApplicationOutbox } from '#applications/outbox.ts';
import { ApplicationSubmissions, newApplicationId } from '#applications/submit-application.ts';
import { createApplicationsApiHandler } from '#apply/applications-api-handler.ts';
import { viewerAuthenticator } from '#apply/viewer-authentication.ts';
import { sharedSecretVerifier } from '#apply/viewer-token.ts';
import type { FunnelLog } from '#funnel/funnel-log.ts';
import { DynamoEntityReader } from '#links/dynamo-entities.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import type { LocalDynamo } from '../../local/testing/dynalite.ts';
import { RecordingFunnelLog } from '../support/recording-funnel-log.ts';

/** The applications API as functions/applications-api.ts wires it, over a dynalite table and a given bus. */
export const applicationsApiOver = (
  dynamo: LocalDynamo,
  tableName: string,
  options: {
    readonly secret: string;
    readonly publisher: EventPublisher;
    readonly now?: () => Date;
    readonly newApplicationId?: () => string;
    /** Where page views and applications are written: a recording one unless the test looks. */
    readonly funnel?: FunnelLog;
  },
) => {
  const entities = new DynamoEntityReader(dynamo.documents, tableName);
  const applications = new DynamoApplications(dynamo.documents, tableName);
  const now = options.now ?? (() => new Date());
  return createApplicationsApiHandler({
    entities,
    submissions: new ApplicationSubmissions({
      entities,
      store: applications,
      outbox: new ApplicationOutbox(applications, options.publisher),
      publisher: options.publisher,
      now,
      newApplicationId: options.newApplicationId ?? newApplicationId,
      slots: new DynamoApplySlots(dynamo.documents, tableName),
    }),
    authenticateViewer: viewerAuthenticator(sharedSecretVerifier(async () => [options.secret])),
    now,
    funnel: options.funnel ?? new RecordingFunnelLog(),
  });
};
