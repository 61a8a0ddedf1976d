import type { EventRule } from '../eventbridge/bus-event.ts';
import type { AsyncInvokeConfig } from '../lambda/async-invoker.ts';
import type { StoredMessage } from '../sqs/local-queue.ts';
import type { QueueRegistry } from '../sqs/queue-registry.ts';

export interface QueueSummary {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

export interface DeadLetterQueueContents extends QueueSummary {
  readonly messages: readonly StoredMessage[];
}

export interface DeadLetterQueuesInput {
  readonly queues: QueueRegistry;
  readonly rules: readonly EventRule[];
  readonly asyncConfigs: ReadonlyMap<string, AsyncInvokeConfig>;
}

export interface DeadLetterQueueView {
  readonly names: readonly string[];
  /** What each dead-letter queue holds now (the console, `reelhire dlq`, tests). */
  contents(): DeadLetterQueueContents[];
}

/**
 * The queues that something dead-letters into: a queue's redrive policy, a rule target's DeadLetterConfig, a
 * function's asynchronous on-failure destination or dead-letter queue.
 */
export const deadLetterQueueView = ({
  queues,
  rules,
  asyncConfigs,
}: DeadLetterQueuesInput): DeadLetterQueueView => {
  const deadLetterArns = new Set<string>([
    ...queues
      .all()
      .flatMap((queue) =>
        queue.settings.redrivePolicy ? [queue.settings.redrivePolicy.deadLetterTargetArn] : [],
      ),
    ...rules.flatMap((rule) =>
      rule.targets.flatMap((target) => (target.deadLetterArn ? [target.deadLetterArn] : [])),
    ),
    ...[...asyncConfigs.values()].flatMap((config) =>
      [config.deadLetterArn, config.onFailureArn].filter((arn): arn is string => !!arn),
    ),
  ]);
  const deadLetterQueues = () => queues.all().filter((queue) => deadLetterArns.has(queue.arn));
  return {
    names: deadLetterQueues().map((queue) => queue.name),
    contents: () =>
      deadLetterQueues().map((queue) => ({
        name: queue.name,
        url: queue.url,
        arn: queue.arn,
        messages: queue.peek(),
      })),
  };
};
