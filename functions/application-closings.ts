import { createApplicationClosingsHandler } from '#applications/application-closings-handler.ts';
import { applicationChangesFromEnvironment } from '#applications/from-environment.ts';

/** Job Closed and Applications Closing Requested → the job's open applications closed, a page at a time. */
export const handler = createApplicationClosingsHandler(applicationChangesFromEnvironment());
