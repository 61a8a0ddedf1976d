import { functionToDestination } from '../iam/service-deliveries.ts';
import { type AsyncInvokeConfig, AsyncInvoker, DEFAULT_ASYNC_CONFIG } from '../lambda/async-invoker.ts';
import { asyncConfigsOf } from '../template-model.ts';
import type { StackLifecycle } from './lifecycle.ts';
import type { StackParts } from './stack-parts.ts';

export interface AsyncInvocationsInput
  extends Pick<StackParts, 'resources' | 'functions' | 'queues' | 'activity' | 'iam'> {
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
  lifecycle.add({ name: 'asynchronous invocations', halt: () => invoker.stop() });
  return { invoker, configs };
};
