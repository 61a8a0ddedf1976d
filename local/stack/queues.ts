import { join } from 'node:path';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from '../sqs/local-queue.ts';
import { QueueRegistry } from '../sqs/queue-registry.ts';
import { restoreQueues, saveQueues } from '../sqs/queue-snapshot.ts';
import { queuesOf } from '../template-model.ts';
import type { StackLifecycle } from './lifecycle.ts';

const QUEUE_SNAPSHOT = 'sqs-messages.json';

export interface QueuesInput {
  readonly resources: readonly ResolvedResource[];
  /** The API's url: the queues' urls are on its port. */
  readonly apiUrl: string;
  /** Keeps queued messages across restarts. @default in memory */
  readonly dataDir: string | undefined;
  /** Caps every queue's visibility timeout (tests). @default the template's */
  readonly maxVisibilityTimeoutSeconds: number | undefined;
}

const withVisibilityCap = (
  settings: Partial<QueueSettings>,
  cap: number | undefined,
): Partial<QueueSettings> =>
  cap === undefined
    ? settings
    : {
        ...settings,
        visibilityTimeoutSeconds: Math.min(
          settings.visibilityTimeoutSeconds ?? DEFAULT_QUEUE_SETTINGS.visibilityTimeoutSeconds,
          cap,
        ),
      };

/** The template's queues, with the messages a kept data directory holds; saved again when the stack stops. */
export const startQueues = async (lifecycle: StackLifecycle, input: QueuesInput): Promise<QueueRegistry> => {
  const queues = new QueueRegistry(input.apiUrl);
  for (const queue of queuesOf(input.resources)) {
    queues.create(queue.name, withVisibilityCap(queue.settings, input.maxVisibilityTimeoutSeconds));
  }
  const { dataDir } = input;
  if (dataDir) {
    const snapshot = join(dataDir, QUEUE_SNAPSHOT);
    await restoreQueues(queues, snapshot);
    lifecycle.add({ name: 'queues', save: () => saveQueues(queues, snapshot) });
  }
  return queues;
};
