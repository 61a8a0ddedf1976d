import type { SecretName } from '#shared/secret-names.ts';
import { LOCAL_REGION } from '../local-account.ts';

export interface LocalEndpoints {
  /** The API origin: HTTP routes, PutEvents and the SQS endpoint. */
  readonly apiUrl: string;
  readonly dynamoEndpoint: string;
}

export interface EnvironmentInput {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly handler: string;
  readonly taskRoot: string;
  /** The template's Environment.Variables, resolved. */
  readonly variables: Readonly<Record<string, unknown>>;
  readonly endpoints: LocalEndpoints;
  readonly secrets: Readonly<Record<SecretName, string>>;
  readonly publicBaseUrl: string;
  /** The WebSub hub: always given, so that no function falls back to Google's public hub locally. */
  readonly youtubeHubUrl: string;
}

const SECRET_ARN_SUFFIX = '_ARN';

/**
 * A function's process.env: the template's variables with the local endpoints, region and dummy credentials
 * that Lambda would provide, and each `<SECRET>_ARN` replaced by the secret's plain value (local mode reads
 * it from `<SECRET>`). Nothing of the developer's own environment leaks in: no profile, no real credentials,
 * no instance metadata lookups, and any AWS service without a local endpoint is sent to the local server,
 * which refuses it, rather than to the internet.
 */
export const functionEnvironment = (
  input: EnvironmentInput,
  secretNames: readonly SecretName[],
): Record<string, string> => {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.variables)) {
    const secret = name.endsWith(SECRET_ARN_SUFFIX) ? name.slice(0, -SECRET_ARN_SUFFIX.length) : undefined;
    if (secret !== undefined && (secretNames as readonly string[]).includes(secret)) {
      environment[secret] = input.secrets[secret as SecretName];
      continue;
    }
    // NODE_OPTIONS cannot apply to a worker thread; source maps are enabled process-wide instead.
    if (name === 'NODE_OPTIONS') continue;
    environment[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return {
    ...environment,
    PUBLIC_BASE_URL: input.publicBaseUrl,
    YOUTUBE_HUB_URL: input.youtubeHubUrl,
    REELHIRE_MODE: 'local',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: input.endpoints.apiUrl,
    AWS_ENDPOINT_URL_DYNAMODB: input.endpoints.dynamoEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: input.endpoints.apiUrl,
    AWS_ENDPOINT_URL_SQS: input.endpoints.apiUrl,
    AWS_LAMBDA_FUNCTION_NAME: input.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(input.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${input.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/${input.functionName}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs_local',
    LAMBDA_TASK_ROOT: input.taskRoot,
    _HANDLER: input.handler,
    TZ: 'UTC',
    // The cloud runs the functions on Node.js 24; the SDK's warning about this machine's Node.js 20 is not theirs.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
};
