/**
 * The secrets of CONTRACT §5, listed once. Those a deployed stack holds live in Secrets Manager: lib/config.ts
 * names each, the stack gives a function that reads one its name in `<NAME>_NAME` and grants it that secret, and
 * the function reads it with GetSecretValue, in the cloud and locally alike (the local runtime runs Secrets
 * Manager). VIEWER_TOKEN_SECRET is local mode's only: the cloud verifies viewer tokens with the keys at
 * VIEWER_JWKS_URL, and local mode, which signs them with HS256 (`npx reelhire token`), hands the functions that
 * verify them the secret itself.
 */
export const STORED_SECRET_NAMES = [
  'TIKTOK_CLIENT_SECRET',
  'YOUTUBE_HUB_SECRET',
  'CONTRA_WEBHOOK_SECRET',
  'EMPLOYER_SIGNING_KEY',
] as const;

export type StoredSecretName = (typeof STORED_SECRET_NAMES)[number];

export const VIEWER_TOKEN_SECRET = 'VIEWER_TOKEN_SECRET';

export const SECRET_NAMES = [...STORED_SECRET_NAMES, VIEWER_TOKEN_SECRET] as const;

export type SecretName = (typeof SECRET_NAMES)[number];

/** The variable holding a stored secret's Secrets Manager name (its SecretId): `TIKTOK_CLIENT_SECRET_NAME`. */
export const secretIdVariable = (name: StoredSecretName): string => `${name}_NAME`;

/** Where a function that verifies viewer tokens finds Contra's signing keys in the cloud. */
export const VIEWER_JWKS_URL_VARIABLE = 'VIEWER_JWKS_URL';
