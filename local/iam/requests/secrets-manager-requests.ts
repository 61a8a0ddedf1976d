import { arrayField, type JsonObject, stringField } from '../../json.ts';
import { localArn } from '../../local-account.ts';
import type { AuthorizationCheck, CallChecks } from './authorization-check.ts';

/**
 * The IAM checks of a Secrets Manager call (AWS JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`). IAM
 * decides before the secret is looked up, on the secret's ARN when the SecretId resolves to a secret, else on
 * what the SecretId names (so a grant on `name-??????` does not cover a partial ARN read as a full one); the
 * refusal names the SecretId as given, as Secrets Manager's messages do.
 */

/** The ARN of the secret a SecretId resolves to, if any (the local store's name and ARN semantics). */
export type SecretArnResolver = (secretId: string) => string | undefined;

const ACCOUNT_OPERATIONS = new Set(['ListSecrets', 'GetRandomPassword', 'BatchGetSecretValue']);

const secretCheck = (action: string, secretId: string, resolve: SecretArnResolver): AuthorizationCheck => ({
  action,
  resource:
    resolve(secretId) ??
    (secretId.startsWith('arn:') ? secretId : localArn('secretsmanager', `secret:${secretId}`)),
  resourceInMessage: secretId,
});

export const secretsManagerChecks = (
  operation: string,
  input: JsonObject,
  resolve: SecretArnResolver,
): CallChecks => {
  const action = `secretsmanager:${operation}`;
  if (operation === 'CreateSecret') {
    const name = stringField(input, 'Name');
    if (!name) return { checks: [] };
    return {
      checks: [
        {
          action,
          // The ARN's random suffix does not exist yet; the partial ARN stands for it.
          resource: localArn('secretsmanager', `secret:${name}`),
          context: { 'secretsmanager:Name': name },
          resourceInMessage: name,
        },
      ],
    };
  }
  if (ACCOUNT_OPERATIONS.has(operation)) {
    const checks: AuthorizationCheck[] = [{ action, resource: '*' }];
    // BatchGetSecretValue also needs GetSecretValue on each secret it returns.
    for (const secretId of arrayField(input, 'SecretIdList').filter(
      (id): id is string => typeof id === 'string',
    ))
      checks.push(secretCheck('secretsmanager:GetSecretValue', secretId, resolve));
    return { checks };
  }
  const secretId = stringField(input, 'SecretId');
  if (!secretId) return { checks: [] };
  return { checks: [secretCheck(action, secretId, resolve)] };
};
