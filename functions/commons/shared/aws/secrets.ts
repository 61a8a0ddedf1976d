import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isLocalMode } from '../config.ts';
import type { SecretName } from '../secret-names.ts';

/**
 * The values of the secrets (secret-names.ts). Locally each comes from the environment variable of the same
 * name (the local runtime fills in development defaults and says so); in the cloud from the Secrets Manager
 * secret whose ARN is in `<NAME>_ARN`, fetched once per container and cached for a few minutes so rotations
 * are picked up.
 */

const CACHE_MS = 5 * 60_000;
const cache = new Map<SecretName, { values: string[]; expires: number }>();
let client: SecretsManagerClient | undefined;

/**
 * All current values of a secret. Several values (for rotation) are written one per line or space-separated;
 * every one of them is accepted when verifying, the first is used when signing.
 */
export const secretValues = async (name: SecretName): Promise<string[]> => {
  const cached = cache.get(name);
  if (cached && cached.expires > Date.now()) return cached.values;
  const raw = await readSecret(name);
  const values = raw.split(/\s+/).filter((value) => value.length > 0);
  if (values.length === 0) throw new Error(`secret ${name} is empty`);
  cache.set(name, { values, expires: Date.now() + CACHE_MS });
  return values;
};

/** The value used to sign (the first listed). */
export const signingSecret = async (name: SecretName): Promise<string> => (await secretValues(name))[0]!;

const readSecret = async (name: SecretName): Promise<string> => {
  const arn = process.env[`${name}_ARN`];
  if (arn) {
    client ??= new SecretsManagerClient({});
    const response = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (response.SecretString === undefined) throw new Error(`secret ${name} has no string value`);
    return response.SecretString;
  }
  const local = process.env[name];
  if (isLocalMode() && local) return local;
  throw new Error(
    `secret ${name} is not configured (set ${name}_ARN; plain ${name} is accepted in local mode only)`,
  );
};

/** Forgets cached values (tests that rotate secrets). */
export const clearSecretCache = (): void => cache.clear();
