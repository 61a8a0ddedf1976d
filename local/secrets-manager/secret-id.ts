/**
 * How Secrets Manager reads a `SecretId` (FACTS.md, "What AWS enforces"): a secret's ARN ends in `-` and six
 * random characters; a SecretId is the secret's name, its full ARN, or a partial ARN (the ARN without that
 * suffix). An ARN whose last seven characters look like such a suffix is taken as a full ARN, so the partial ARN
 * of a name that itself ends in `-` and six characters (`…:secret:app/tiktok-client-secret`) is looked up as
 * the secret `app/tiktok-client` with suffix `secret`, and is not found.
 */
export type SecretReference =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'full-arn'; readonly arn: string }
  | { readonly kind: 'partial-arn'; readonly arn: string; readonly name: string };

const SECRET_ARN = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$/;
const RANDOM_SUFFIX = /-[A-Za-z0-9]{6}$/;

export const secretReferenceOf = (secretId: string): SecretReference => {
  const arn = SECRET_ARN.exec(secretId);
  if (!arn) return { kind: 'name', name: secretId };
  return RANDOM_SUFFIX.test(arn[1]!)
    ? { kind: 'full-arn', arn: secretId }
    : { kind: 'partial-arn', arn: secretId, name: arn[1]! };
};

/** A secret's name from its full ARN (the suffix dropped). */
export const secretNameOfArn = (arn: string): string =>
  (SECRET_ARN.exec(arn)?.[1] ?? arn).replace(RANDOM_SUFFIX, '');

/** The six characters Secrets Manager appends: letters and digits. */
export const isRandomSuffix = (suffix: string): boolean => /^[A-Za-z0-9]{6}$/.test(suffix);
