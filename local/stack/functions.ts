import { VIEWER_TOKEN_SECRET } from '#shared/secret-names.ts';
import type { ActivityLog } from '../activity-log.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import type { LocalSecrets } from '../dev-secrets.ts';
import type { SessionCredentials } from '../iam/credentials.ts';
import type { FunctionLogSink, LocalFunction } from '../lambda/local-function.ts';
import { createLocalFunctions } from '../lambda/local-functions.ts';
import type { StackLifecycle } from './lifecycle.ts';

export interface FunctionsInput {
  readonly resources: readonly ResolvedResource[];
  /** Named in the error when no function has a bundle. */
  readonly assemblyDir: string;
  /** PUBLIC_BASE_URL. */
  readonly env: NodeJS.ProcessEnv;
  /** The secrets' values: the viewer-token secret is handed to the functions that verify viewer tokens. */
  readonly secrets: LocalSecrets;
  /** Each function's role session. */
  readonly credentialsOf: (functionName: string) => SessionCredentials | undefined;
  readonly apiUrl: string;
  /** What the functions get as their DynamoDB endpoint. */
  readonly dynamoEndpoint: string;
  /** @default apiUrl */
  readonly firehoseEndpoint?: string;
  readonly youtubeHubUrl: string;
  /** Execution environments (worker threads) per function at most. */
  readonly maxConcurrency: number;
  readonly activity: ActivityLog;
  readonly functionLog: FunctionLogSink;
  readonly warn: (message: string) => void;
}

export interface StackFunctions {
  readonly functions: ReadonlyMap<string, LocalFunction>;
}

/** Every function of the template that has a bundle, each in its worker threads; cut off when the stack stops. */
export const startFunctions = async (
  lifecycle: StackLifecycle,
  input: FunctionsInput,
): Promise<StackFunctions> => {
  const { secrets } = input;
  const { functions, skipped } = await createLocalFunctions({
    resources: input.resources,
    endpoints: {
      apiUrl: input.apiUrl,
      dynamoEndpoint: input.dynamoEndpoint,
      ...(input.firehoseEndpoint ? { firehoseEndpoint: input.firehoseEndpoint } : {}),
    },
    credentialsOf: input.credentialsOf,
    viewerTokenSecret: secrets.values[VIEWER_TOKEN_SECRET],
    publicBaseUrl: input.env.PUBLIC_BASE_URL || input.apiUrl,
    youtubeHubUrl: input.youtubeHubUrl,
    maxConcurrency: input.maxConcurrency,
    activity: input.activity,
    onLog: input.functionLog,
  });
  for (const reason of skipped) input.warn(reason);
  if (functions.size === 0 && skipped.length > 0) {
    throw new Error(
      `no function of the cloud assembly at ${input.assemblyDir} has a bundle to run (was it synthesized without bundling?): ${skipped[0]}`,
    );
  }
  lifecycle.add({
    name: 'functions',
    cut: async () => {
      await Promise.all([...functions.values()].map((fn) => fn.stop()));
    },
  });
  return { functions };
};
