/**
 * The secrets of CONTRACT §5, listed once. In the cloud each is a Secrets Manager secret (lib/config.ts names
 * it, the stack passes its ARN as `<NAME>_ARN`); locally each is the environment variable of the same name,
 * with a development default (local/dev-secrets.ts).
 */
export const SECRET_NAMES = [
  'TIKTOK_CLIENT_SECRET',
  'YOUTUBE_HUB_SECRET',
  'CONTRA_WEBHOOK_SECRET',
  'VIEWER_TOKEN_SECRET',
  'EMPLOYER_SIGNING_KEY',
] as const;

export type SecretName = (typeof SECRET_NAMES)[number];
