import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsReply } from '../http/aws-json-endpoint.ts';
import { refuseForeignAwsCall } from '../http/local-only.ts';
import type { CallGuard } from '../iam/request-guard.ts';
import { isJsonObject } from '../json.ts';
import type { SecretStore } from './secret-store.ts';
import { SECRETS_MANAGER_OPERATIONS } from './secrets-manager-api.ts';
import { SecretsManagerError } from './secrets-manager-error.ts';

export const SECRETS_MANAGER_TARGET_PREFIX = 'secretsmanager.';

const reply = (status: number, body: unknown): AwsReply => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
});

const errorReply = (error: SecretsManagerError): AwsReply =>
  reply(error.status, { __type: error.code, Message: error.message });

/** Answers one Secrets Manager call (`X-Amz-Target: secretsmanager.<Operation>`, AWS JSON 1.1). */
export const handleSecretsManager = (target: string, body: Buffer, store: SecretStore): AwsReply => {
  const operation = SECRETS_MANAGER_OPERATIONS[target.slice(SECRETS_MANAGER_TARGET_PREFIX.length)];
  if (!target.startsWith(SECRETS_MANAGER_TARGET_PREFIX) || !operation) {
    return errorReply(
      new SecretsManagerError(
        'UnknownOperationException',
        `${target} is not available in ReelHire's local runtime`,
      ),
    );
  }
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return errorReply(
      new SecretsManagerError('SerializationException', 'The request body is not valid JSON.'),
    );
  }
  if (!isJsonObject(input))
    return errorReply(
      new SecretsManagerError('SerializationException', 'The request body is not a JSON object.'),
    );
  try {
    return reply(200, operation(store, input));
  } catch (error) {
    if (error instanceof SecretsManagerError) return errorReply(error);
    throw error;
  }
};

/**
 * A node:http request listener serving Secrets Manager, behind the local-only guard (no browser may call it)
 * and an optional IAM guard.
 */
export const secretsManagerListener =
  (store: SecretStore, guard?: CallGuard) =>
  async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (refuseForeignAwsCall(request, response, [])) return;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = request.headers['x-amz-target'];
    const refused = await guard?.({
      method: request.method ?? 'POST',
      url: request.url ?? '/',
      headers: request.headers,
      body,
    });
    const answer = refused ?? handleSecretsManager(typeof target === 'string' ? target : '', body, store);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  };
