import type { ActivityLog } from '../activity-log.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import type { SessionCredentials } from '../iam/credentials.ts';
import { bundledFunctionOf, functionDefinitionOf } from './function-definitions.ts';
import { functionEnvironment, type LocalEndpoints } from './function-environment.ts';
import { type FunctionLogSink, LocalFunction } from './local-function.ts';
import { workerModuleUrl } from './worker-source.ts';

export interface LocalFunctionsInput {
  readonly resources: readonly ResolvedResource[];
  readonly endpoints: LocalEndpoints;
  /** Each function's role session; undefined for a function whose role the templates do not define. */
  readonly credentialsOf: (functionName: string) => SessionCredentials | undefined;
  readonly viewerTokenSecret: string;
  readonly publicBaseUrl: string;
  readonly youtubeHubUrl: string;
  readonly maxConcurrency: number;
  readonly activity: ActivityLog;
  readonly onLog: FunctionLogSink;
}

/** Every AWS::Lambda::Function with a bundle, by name; the others are reported as not run. */
export const createLocalFunctions = async (
  input: LocalFunctionsInput,
): Promise<{ functions: Map<string, LocalFunction>; skipped: string[] }> => {
  const moduleUrl = await workerModuleUrl();
  const functions = new Map<string, LocalFunction>();
  const skipped: string[] = [];
  for (const resource of input.resources.filter((candidate) => candidate.type === 'AWS::Lambda::Function')) {
    const bundled = bundledFunctionOf(resource);
    if (typeof bundled === 'string') {
      skipped.push(bundled);
      continue;
    }
    const name = resource.identity.ref;
    const credentials = input.credentialsOf(name);
    if (!credentials)
      skipped.push(`${resource.logicalId}: its role is not in the templates; it runs without credentials`);
    const environment = functionEnvironment({
      functionName: name,
      memoryMb: bundled.memoryMb,
      handler: bundled.handler,
      taskRoot: bundled.taskRoot,
      variables: bundled.variables,
      endpoints: input.endpoints,
      credentials,
      viewerTokenSecret: input.viewerTokenSecret,
      publicBaseUrl: input.publicBaseUrl,
      youtubeHubUrl: input.youtubeHubUrl,
    });
    functions.set(
      name,
      new LocalFunction(functionDefinitionOf(bundled, environment, input.maxConcurrency), {
        moduleUrl,
        activity: input.activity,
        onLog: input.onLog,
      }),
    );
  }
  return { functions, skipped };
};
