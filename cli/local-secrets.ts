import type { SecretName } from '#shared/secret-names.ts';
import { localSecrets, signingValueOf } from '../local/dev-secrets.ts';

export interface LocalSecret {
  readonly value: string;
  readonly isDevelopmentDefault: boolean;
}

/**
 * A secret as `npm start` reads it: the environment variable, else its development default. A variable may
 * list several values (a rotation); like the stack, the CLI signs with the first.
 */
export const localSecret = (name: SecretName, env: NodeJS.ProcessEnv = process.env): LocalSecret => {
  const secrets = localSecrets(env);
  return {
    value: signingValueOf(secrets.values[name]),
    isDevelopmentDefault: secrets.defaulted.includes(name),
  };
};
