import { VIEWER_JWKS_URL_VARIABLE, VIEWER_TOKEN_SECRET } from '#shared/secret-names.ts';
import type { SessionCredentials } from '../iam/credentials.ts';
import { LOCAL_REGION } from '../local-account.ts';

export interface LocalEndpoints {
  /** The API origin: HTTP routes and the AWS JSON endpoints (PutEvents, SQS, Secrets Manager, CloudWatch…). */
  readonly apiUrl: string;
  readonly dynamoEndpoint: string;
  /** Firehose, when not the API origin's (a fault proxy in front of it). @default apiUrl */
  readonly firehoseEndpoint?: string;
}

export interface EnvironmentInput {
  readonly functionName: string;
  readonly memoryMb: number;
  readonly handler: string;
  readonly taskRoot: string;
  /** The template's Environment.Variables, resolved. */
  readonly variables: Readonly<Record<string, unknown>>;
  readonly endpoints: LocalEndpoints;
  /** The function role's session, as Lambda hands it over; undefined for a function without a role. */
  readonly credentials: SessionCredentials | undefined;
  /** Local mode's HS256 viewer-token secret, for the functions that verify viewer tokens. */
  readonly viewerTokenSecret: string;
  readonly publicBaseUrl: string;
  /** The WebSub hub: always given, so that no function falls back to Google's public hub locally. */
  readonly youtubeHubUrl: string;
}

/**
 * A function's process.env: the template's variables (secret names included: the function reads them from the
 * local Secrets Manager) with the local endpoints, region and its role's credentials, as Lambda would provide
 * them. What local mode replaces: the viewer-token secret beside VIEWER_JWKS_URL (local viewer tokens are HS256),
 * PUBLIC_BASE_URL and the WebSub hub. Nothing of the developer's own environment leaks in: no profile, no real
 * credentials, no instance metadata lookups, and any AWS service without a local endpoint is sent to the local
 * server, which refuses it, rather than to the internet.
 */
export const functionEnvironment = (input: EnvironmentInput): Record<string, string> => {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.variables)) {
    // NODE_OPTIONS cannot apply to a worker thread; source maps are enabled process-wide instead.
    if (name === 'NODE_OPTIONS') continue;
    environment[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const { credentials } = input;
  return {
    ...environment,
    ...(VIEWER_JWKS_URL_VARIABLE in environment ? { [VIEWER_TOKEN_SECRET]: input.viewerTokenSecret } : {}),
    PUBLIC_BASE_URL: input.publicBaseUrl,
    YOUTUBE_HUB_URL: input.youtubeHubUrl,
    REELHIRE_MODE: 'local',
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    ...(credentials
      ? {
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_SESSION_TOKEN: credentials.sessionToken,
        }
      : {}),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: input.endpoints.apiUrl,
    AWS_ENDPOINT_URL_DYNAMODB: input.endpoints.dynamoEndpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: input.endpoints.apiUrl,
    AWS_ENDPOINT_URL_SQS: input.endpoints.apiUrl,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: input.endpoints.apiUrl,
    AWS_ENDPOINT_URL_FIREHOSE: input.endpoints.firehoseEndpoint ?? input.endpoints.apiUrl,
    AWS_ENDPOINT_URL_ATHENA: input.endpoints.apiUrl,
    AWS_ENDPOINT_URL_CLOUDWATCH: input.endpoints.apiUrl,
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
