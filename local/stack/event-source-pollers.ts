import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import type { LocalFunction } from '../lambda/local-function.ts';
import { EventSourcePoller } from '../sqs/event-source-poller.ts';
import type { QueueRegistry } from '../sqs/queue-registry.ts';
import { sqsEventSourceMappingsOf } from '../template-model.ts';
import type { StackLifecycle } from './lifecycle.ts';

export interface EventSourcePollersInput {
  readonly resources: readonly ResolvedResource[];
  readonly queues: QueueRegistry;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** Concurrent batches per mapping, unless the template says. */
  readonly concurrency: number;
  readonly warn: (message: string) => void;
}

/** Lambda's SQS pollers, one per event source mapping of the template; they poll once the stack has started. */
export const startEventSourcePollers = (lifecycle: StackLifecycle, input: EventSourcePollersInput): void => {
  for (const mapping of sqsEventSourceMappingsOf(input.resources)) {
    const queue = input.queues.byArn(mapping.queueArn);
    const fn = input.functions.get(mapping.functionName);
    if (!queue || !fn) {
      input.warn(
        `event source mapping ${mapping.queueArn} → ${mapping.functionName}: queue or function not found`,
      );
      continue;
    }
    const poller = new EventSourcePoller(
      queue,
      fn,
      {
        batchSize: mapping.batchSize,
        maximumBatchingWindowSeconds: mapping.maximumBatchingWindowSeconds,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
        maximumConcurrency: mapping.maximumConcurrency ?? input.concurrency,
      },
      (error) =>
        input.warn(`poller of ${queue.name}: ${error instanceof Error ? error.message : String(error)}`),
    );
    lifecycle.add({ start: () => poller.start(), halt: () => poller.stop() });
  }
};
