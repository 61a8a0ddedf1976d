import { clearSecretCache } from '#shared/aws/secrets.ts';
import { type StoredSecretName, secretIdVariable } from '#shared/secret-names.ts';
import { LOCAL_REGION } from '../../local/local-account.ts';
import { SecretStore } from '../../local/secrets-manager/secret-store.ts';
import { secretsManagerListener } from '../../local/secrets-manager/secrets-manager-endpoint.ts';
import { listenOnLoopback } from '../iam/servers.ts';

/**
 * The local Secrets Manager on a loopback port, for handlers run inside a test process: they read their secrets
 * as in the cloud (GetSecretValue by the name in `<NAME>_NAME`, through the real SDK), and a test sets or
 * rotates a value with `put`, which adds a version as PutSecretValue would.
 */
export interface LocalSecretsManager {
  /** What the handlers read: the endpoint, a region, credentials and each secret's name. */
  readonly environment: Readonly<Record<string, string>>;
  /** Sets the current value of each given secret (a new version), and forgets the handlers' cached values. */
  put(values: Partial<Readonly<Record<StoredSecretName, string>>>): void;
  close(): Promise<void>;
}

const nameOf = (secret: StoredSecretName): string => `test/${secret.toLowerCase().replaceAll('_', '-')}`;

export const startLocalSecretsManager = async (
  values: Partial<Readonly<Record<StoredSecretName, string>>> = {},
): Promise<LocalSecretsManager> => {
  const store = new SecretStore();
  const server = await listenOnLoopback(secretsManagerListener(store));
  const environment: Record<string, string> = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: server.url,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  const put = (next: Partial<Readonly<Record<StoredSecretName, string>>>) => {
    for (const [secret, value] of Object.entries(next) as [StoredSecretName, string][]) {
      const name = nameOf(secret);
      if (store.find(name)) store.putValue(name, { string: value }, `${Date.now()}-${Math.random()}`);
      else store.create({ name, value: { string: value } });
      environment[secretIdVariable(secret)] = name;
    }
    clearSecretCache();
  };
  put(values);
  return {
    get environment() {
      return { ...environment };
    },
    put,
    close: () => server.close(),
  };
};
