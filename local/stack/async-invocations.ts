import type { ActivityLog } from '../activity-log.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { functionToDestination } from '../iam/service-deliveries.ts';
import { type AsyncInvokeConfig, AsyncInvoker, DEFAULT_ASYNC_CONFIG } from '../lambda/async-invoker.ts';
import type { LocalFunction } from '../lambda/local-function.ts';
import type { QueueRegistry } from '../sqs/queue-registry.ts';
import { asyncConfigsOf } from '../template-model.ts';
import type { LocalIam } from './iam.ts';
import type { StackLifecycle } from './lifecycle.ts';

export interface AsyncInvocationsInput {
  readonly resources: readonly ResolvedResource[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** Where failed invocations go: on-failure destinations and dead-letter queues. */
  readonly queues: QueueRegistry;
  readonly activity: ActivityLog;
  /** Decides whether Lambda may deliver a failed event to its destination with the function's role. */
  readonly iam: LocalIam;
  /** @default Lambda's 1 and 2 minutes */
  readonly retryDelaysMs: readonly number[] | undefined;
}

export interface AsyncInvocations {
  readonly invoker: AsyncInvoker;
  /** Each function's EventInvokeConfig and DeadLetterConfig, by function name. */
  readonly configs: ReadonlyMap<string, AsyncInvokeConfig>;
}

/** Lambda's asynchronous invocations (the rules' function targets), with the template's retry settings. */
export const startAsyncInvocations = (
  lifecycle: StackLifecycle,
  input: AsyncInvocationsInput,
): AsyncInvocations => {
  const { functions, queues } = input;
  const configs = asyncConfigsOf(input.resources);
  const invoker = new AsyncInvoker({
    functionNamed: (name) => functions.get(name),
    configOf: (name) => configs.get(name) ?? DEFAULT_ASYNC_CONFIG,
    sendToQueue: (arn, body, attributes) => queues.sendTo(arn, body, attributes),
    mayDeliver: async (functionName, targetArn) => {
      const roleArn = input.iam.model().functionRoles.get(functionName);
      if (!roleArn) return false;
      const decision = await input.iam.authorizeDelivery(
        functionToDestination(roleArn, functionName, targetArn),
        `failed async event of ${functionName} → ${targetArn} (dropped)`,
      );
      return decision.allowed;
    },
    activity: input.activity,
    ...(input.retryDelaysMs ? { retryDelaysMs: input.retryDelaysMs } : {}),
  });
  lifecycle.add({ halt: () => invoker.stop() });
  return { invoker, configs };
};
