import { queueToFunction } from '../iam/service-deliveries.ts';
import { EventSourcePoller } from '../sqs/event-source-poller.ts';
import { sqsEventSourceMappingsOf } from '../template-model.ts';
import type { StackLifecycle } from './lifecycle.ts';
import type { StackParts } from './stack-parts.ts';

export interface EventSourcePollersInput
  extends Pick<StackParts, 'resources' | 'queues' | 'functions' | 'iam' | 'warn'> {
  /**
   * Concurrent batches per mapping at most on this machine; a mapping's MaximumConcurrency lowers it (two
   * cores do not run a thousand pollers).
   */
  readonly concurrency: number;
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
        maximumConcurrency: Math.min(mapping.maximumConcurrency ?? input.concurrency, input.concurrency),
      },
      {
        onError: (error) =>
          input.warn(`poller of ${queue.name}: ${error instanceof Error ? error.message : String(error)}`),
        mayPoll: async () => {
          const roleArn = input.iam.model().functionRoles.get(fn.name);
          if (!roleArn) return false;
          const decision = await input.iam.authorizeDelivery(
            queueToFunction(roleArn, fn.name, mapping.queueArn),
            `event source mapping ${queue.name} → ${fn.name} (not polled)`,
          );
          return decision.allowed;
        },
      },
    );
    lifecycle.add({
      name: `poller of ${queue.name}`,
      start: () => poller.start(),
      halt: () => poller.stop(),
    });
  }
};
