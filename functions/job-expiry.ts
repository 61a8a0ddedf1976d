import { linkContextFromEnvironment } from '#links/from-environment.ts';
import { createJobExpiryHandler } from '#links/job-expiry-handler.ts';

/** Every minute: announces the apply links of jobs whose `closesAt` has passed since the last run. */
export const handler = createJobExpiryHandler(linkContextFromEnvironment());
