import { createApplicationSweepHandler } from '#applications/application-sweep-handler.ts';
import { applicationChangesFromEnvironment } from '#applications/from-environment.ts';

/** Every minute: republishes application changes a failed request left pending; closes year-idle ones. */
export const handler = createApplicationSweepHandler(applicationChangesFromEnvironment());
