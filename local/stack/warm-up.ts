import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import type { EventRule } from '../eventbridge/bus-event.ts';
import type { HttpRouteBinding } from '../http/http-routes.ts';
import type { LocalFunction } from '../lambda/local-function.ts';
import { functionNameOf } from '../local-account.ts';
import { sqsEventSourceMappingsOf } from '../template-model.ts';
import type { StackLifecycle } from './lifecycle.ts';

export interface WarmUpInput {
  readonly resources: readonly ResolvedResource[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly routes: readonly HttpRouteBinding[];
  readonly rules: readonly EventRule[];
  /** Load the handlers in the background. */
  readonly warm: boolean;
}

const warmUpAll = (
  functions: ReadonlyMap<string, LocalFunction>,
  names: ReadonlySet<string>,
): Promise<string[]> =>
  Promise.all(
    [...functions.values()]
      .filter((fn) => names.has(fn.name))
      .map(async (fn) => {
        const error = await fn.warm().catch((failure: unknown) => ({
          errorType: 'Runtime.Stopped',
          errorMessage: failure instanceof Error ? failure.message : String(failure),
        }));
        return error
          ? [`function ${fn.name} failed to initialize: ${error.errorType}: ${error.errorMessage}`]
          : [];
      }),
  ).then((errors) => errors.flat());

/**
 * Loads the handler of every function a route, a mapping or a rule uses, in the background: the stack is ready
 * at once, and a request that comes before its function is warm waits for that warm-up instead of paying for a
 * second cold start. The API's functions first: on two cores, loading every bundle at once would delay the first
 * request.
 * @returns the INIT errors, once every warm-up has settled
 */
export const warmUp = (lifecycle: StackLifecycle, input: WarmUpInput): Promise<readonly string[]> => {
  if (!input.warm) return Promise.resolve([]);
  const { functions } = input;
  const byRoutes = new Set(input.routes.map((route) => route.functionName));
  const byEvents = new Set([
    ...sqsEventSourceMappingsOf(input.resources).map((mapping) => mapping.functionName),
    ...input.rules.flatMap((rule) => rule.targets.map((target) => functionNameOf(target.arn))),
  ]);
  const warmedUp = warmUpAll(functions, byRoutes).then(async (first) => [
    ...first,
    ...(await warmUpAll(functions, new Set([...byEvents].filter((name) => !byRoutes.has(name))))),
  ]);
  lifecycle.add({ name: 'warm-up', halt: () => warmedUp.then(() => undefined) });
  return warmedUp;
};
