import { createApplicantApiHandler } from '#applications/applicant-api-handler.ts';
import { ApplicantApplications } from '#applications/applicant-applications.ts';
import { applicationChangesFromEnvironment } from '#applications/from-environment.ts';
import { viewerAuthenticator } from '#apply/viewer-authentication.ts';
import { viewerTokenVerifier } from '#apply/viewer-token.ts';

/** GET /applications, GET /applications/{applicationId}, POST /applications/{applicationId}/withdraw. */
export const handler = createApplicantApiHandler({
  authenticateViewer: viewerAuthenticator(viewerTokenVerifier()),
  applications: new ApplicantApplications(applicationChangesFromEnvironment()),
});
