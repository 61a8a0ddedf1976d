import { STORED_SECRET_NAMES, type StoredSecretName, secretIdVariable } from '#shared/secret-names.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import { type LocalSecrets, localSecrets } from '../dev-secrets.ts';
import { objectField } from '../json.ts';
import type { SecretStore } from '../secrets-manager/secret-store.ts';

export interface SecretsInput {
  readonly resources: readonly ResolvedResource[];
  /** The values: §5's environment variables, or their development defaults. */
  readonly env: NodeJS.ProcessEnv;
  /** The local Secrets Manager. */
  readonly store: SecretStore;
}

/** The Secrets Manager names the template gives its functions, by the secret they hold. */
const secretNamesOf = (resources: readonly ResolvedResource[]): Map<string, StoredSecretName> => {
  const names = new Map<string, StoredSecretName>();
  for (const fn of ofType(resources, 'AWS::Lambda::Function')) {
    const environment = objectField(fn.properties, 'Environment');
    const variables = environment ? objectField(environment, 'Variables') : undefined;
    if (!variables) continue;
    for (const secret of STORED_SECRET_NAMES) {
      const secretId = variables[secretIdVariable(secret)];
      if (typeof secretId !== 'string' || secretId === '') continue;
      // A template can only hold a configured name, or (an older one) that name's partial ARN: the secret the
      // operator created is named so either way, and a partial ARN then fails as it fails in AWS.
      names.set(
        secretId.startsWith('arn:') ? secretId.slice(secretId.indexOf(':secret:') + 8) : secretId,
        secret,
      );
    }
  }
  return names;
};

/**
 * Seeds the local Secrets Manager as a deploy expects to find it: each secret under the name the template's
 * config gives it (its ARN with six random characters, as Secrets Manager makes them), holding the value of its
 * environment variable or its development default. The viewer-token secret is local mode's own and is handed to
 * the functions directly.
 */
export const seedSecrets = (input: SecretsInput): LocalSecrets => {
  const secrets = localSecrets(input.env);
  for (const [name, secret] of secretNamesOf(input.resources)) {
    if (!input.store.find(name)) input.store.create({ name, value: { string: secrets.values[secret] } });
  }
  return secrets;
};
