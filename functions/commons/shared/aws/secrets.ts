import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isLocalMode } from '../config.ts';
import { type StoredSecretName, secretIdVariable, VIEWER_TOKEN_SECRET } from '../secret-names.ts';

/**
 * The values of the secrets (secret-names.ts). A stored secret is read from Secrets Manager by the name in
 * `<NAME>_NAME` (a name, never a partial ARN: Secrets Manager would read the partial ARN of a name ending in `-`
 * and six characters as a full ARN, and fail), once per container and cached for a few minutes so rotations are
 * picked up. Locally the same call reaches the local Secrets Manager.
 */

const CACHE_MS = 5 * 60_000;
const cache = new Map<StoredSecretName, { values: string[]; expires: number }>();
let client: SecretsManagerClient | undefined;

/** Several values (for rotation) are written one per line or space-separated. */
const valuesOf = (name: string, raw: string): string[] => {
  const values = raw.split(/\s+/).filter((value) => value.length > 0);
  if (values.length === 0) throw new Error(`secret ${name} is empty`);
  return values;
};

/**
 * All current values of a secret: every one of them is accepted when verifying, the first is used when signing.
 */
export const secretValues = async (name: StoredSecretName): Promise<string[]> => {
  const cached = cache.get(name);
  if (cached && cached.expires > Date.now()) return cached.values;
  const values = valuesOf(name, await readSecret(name));
  cache.set(name, { values, expires: Date.now() + CACHE_MS });
  return values;
};

/** The value used to sign (the first listed). */
export const signingSecret = async (name: StoredSecretName): Promise<string> =>
  (await secretValues(name))[0]!;

const readSecret = async (name: StoredSecretName): Promise<string> => {
  const secretId = process.env[secretIdVariable(name)];
  if (!secretId) throw new Error(`secret ${name} is not configured (set ${secretIdVariable(name)})`);
  client ??= new SecretsManagerClient({});
  const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (response.SecretString === undefined) throw new Error(`secret ${name} has no string value`);
  return response.SecretString;
};

/** The local viewer-token secret's values (local mode only: the cloud verifies viewer tokens with JWKS). */
export const localViewerTokenSecrets = async (): Promise<string[]> => {
  const value = process.env[VIEWER_TOKEN_SECRET];
  if (!isLocalMode() || !value) throw new Error(`${VIEWER_TOKEN_SECRET} exists in local mode only`);
  return valuesOf(VIEWER_TOKEN_SECRET, value);
};

/** Forgets cached values (tests that rotate secrets). */
export const clearSecretCache = (): void => cache.clear();
