import { base64url, type JWTPayload, SignJWT } from 'jose';

/** Viewer tokens as Contra would issue them locally (HS256, aud reelhire, exp), and as attackers would forge them. */

const encoder = new TextEncoder();
const nowSeconds = () => Math.floor(Date.now() / 1000);

export const viewerToken = async (
  secret: string,
  profileId: string,
  options: { audience?: string | null; expiresIn?: number | null; algorithm?: 'HS256' | 'HS384' } = {},
): Promise<string> => {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: options.algorithm ?? 'HS256', typ: 'JWT' })
    .setIssuedAt();
  if (profileId !== '') jwt = jwt.setSubject(profileId);
  if (options.audience !== null) jwt = jwt.setAudience(options.audience ?? 'reelhire');
  if (options.expiresIn !== null) jwt = jwt.setExpirationTime(nowSeconds() + (options.expiresIn ?? 300));
  return jwt.sign(encoder.encode(secret));
};

/** An unsecured JWT: `alg: none` and an empty signature. */
export const unsignedToken = (payload: JWTPayload): string =>
  `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(payload))}.`;

/** The same signature over a payload changed after signing. */
export const tamperedToken = (token: string, changes: JWTPayload): string => {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as JWTPayload;
  return `${header}.${base64url.encode(JSON.stringify({ ...claims, ...changes }))}.${signature}`;
};

export const validClaims = (profileId: string): JWTPayload => ({
  sub: profileId,
  aud: 'reelhire',
  exp: nowSeconds() + 300,
});
