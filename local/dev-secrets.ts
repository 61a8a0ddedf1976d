import { SECRET_NAMES, type SecretName } from '#shared/secret-names.ts';

/**
 * Development defaults of the local secrets (CONTRACT §5). Local mode only: `npm start` uses a default when the
 * environment variable is unset and prints it at start-up as such; the CLI signs its sample webhooks and viewer
 * tokens with the same values. The deployed stack never falls back to these.
 */
export const DEV_SECRETS: Readonly<Record<SecretName, string>> = {
  TIKTOK_CLIENT_SECRET: 'reelhire-dev-tiktok-client-secret',
  YOUTUBE_HUB_SECRET: 'reelhire-dev-youtube-hub-secret',
  // Standard Webhooks secrets are `whsec_` + base64 of the key bytes.
  CONTRA_WEBHOOK_SECRET: `whsec_${Buffer.from('reelhire-dev-contra-webhook-key!').toString('base64')}`,
  // HS256 wants at least 256 bits of key.
  VIEWER_TOKEN_SECRET: 'reelhire-dev-viewer-token-secret-at-least-32-bytes',
  EMPLOYER_SIGNING_KEY: 'reelhire-dev-employer-signing-master-key',
};

export interface LocalSecrets {
  readonly values: Readonly<Record<SecretName, string>>;
  /** The secrets that fell back to their development default (printed at start-up; values from the environment never are). */
  readonly defaulted: readonly SecretName[];
}

/** Each secret from the environment, or its development default when unset or empty. */
export const localSecrets = (env: NodeJS.ProcessEnv = process.env): LocalSecrets => {
  const values = { ...DEV_SECRETS };
  const defaulted: SecretName[] = [];
  for (const name of SECRET_NAMES) {
    const fromEnv = env[name];
    if (fromEnv) values[name] = fromEnv;
    else defaulted.push(name);
  }
  return { values, defaulted };
};

/** The value a secret signs with: a variable may list several (a rotation), and the first one signs. */
export const signingValueOf = (value: string): string =>
  value.split(/\s+/).find((candidate) => candidate !== '') ?? value;
