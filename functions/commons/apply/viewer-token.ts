import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { id } from '#events/fields.ts';
import { localViewerTokenSecrets } from '#shared/aws/secrets.ts';
import { isLocalMode, requireEnv } from '#shared/config.ts';
import { VIEWER_JWKS_URL_VARIABLE } from '#shared/secret-names.ts';

/**
 * The viewer's Contra JWT (CONTRACT §4 "Applying"): `sub` = profileId, `aud` = reelhire, `exp` required and at
 * most 24 h ahead, `iat` (when present) at most 60 s ahead (clock skew). Locally HS256 with VIEWER_TOKEN_SECRET;
 * in the cloud RS256/ES256 with keys from the JWKS url. Each verifier accepts only its own algorithms, which is
 * what defeats `alg: none` and HS/RS key confusion.
 */
export type ViewerTokenVerifier = (token: string) => Promise<{ readonly profileId: string }>;

export const VIEWER_TOKEN_AUDIENCE = 'reelhire';

/** The token is not acceptable: 401. */
export class InvalidViewerTokenError extends Error {
  override readonly name = 'InvalidViewerTokenError';
}

/** The keys could not be fetched: ReelHire's problem, not the viewer's (503). */
export class ViewerKeysUnavailableError extends Error {
  override readonly name = 'ViewerKeysUnavailableError';
}

const CLAIMS = { audience: VIEWER_TOKEN_AUDIENCE, requiredClaims: ['exp', 'sub'] };

/** A token valid longer than this is a stolen token's lifetime, not a viewer's session. */
const MAX_LIFETIME_SECONDS = 24 * 60 * 60;
/** How far ahead of our clock an issuer's clock may be. */
const CLOCK_SKEW_SECONDS = 60;

/** The clock the verifiers read, `now` by default (tests set it). */
export type Clock = () => Date;
const systemClock: Clock = () => new Date();

/** The profile a verified payload names; jose has checked that `exp` is a number in the future, `iat` a number. */
const profileIdOf = (payload: JWTPayload, now: Date): { profileId: string } => {
  const nowSeconds = now.getTime() / 1000;
  if (payload.exp! - nowSeconds > MAX_LIFETIME_SECONDS)
    throw new InvalidViewerTokenError('exp is more than 24 hours ahead');
  if ((payload.iat ?? nowSeconds) - nowSeconds > CLOCK_SKEW_SECONDS)
    throw new InvalidViewerTokenError('iat is in the future');
  const subject = id.safeParse(payload.sub);
  if (!subject.success) throw new InvalidViewerTokenError('sub is not a profile id');
  return { profileId: subject.data };
};

/** JOSE errors about the token mean 401; failures to obtain keys are ours. */
const rethrow = (error: unknown): never => {
  if (error instanceof InvalidViewerTokenError) throw error;
  const keysUnavailable =
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC') ||
    !(error instanceof errors.JOSEError);
  if (keysUnavailable) {
    throw new ViewerKeysUnavailableError(
      `viewer keys unavailable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  throw new InvalidViewerTokenError((error as Error).message);
};

const encoder = new TextEncoder();

/**
 * HS256 with a shared secret; every current value is tried so the secret can rotate without 401s. Only a
 * signature mismatch moves on to the next value: an expired token signed with the right one stays expired.
 */
export const sharedSecretVerifier =
  (secrets: () => Promise<readonly string[]>, clock: Clock = systemClock): ViewerTokenVerifier =>
  async (token) => {
    const now = clock();
    for (const secret of await secrets()) {
      try {
        const { payload } = await jwtVerify(token, encoder.encode(secret), {
          ...CLAIMS,
          algorithms: ['HS256'],
          currentDate: now,
        });
        return profileIdOf(payload, now);
      } catch (error) {
        if (error instanceof errors.JWSSignatureVerificationFailed) continue;
        return rethrow(error);
      }
    }
    throw new InvalidViewerTokenError('signature verification failed');
  };

/** One key set per url per container: jose caches the keys and refetches on an unknown `kid`. */
const keySets = new Map<string, JWTVerifyGetKey>();

export const jwksVerifier = (jwksUrl: URL, clock: Clock = systemClock): ViewerTokenVerifier => {
  let keys = keySets.get(jwksUrl.href);
  if (!keys) {
    keys = createRemoteJWKSet(jwksUrl, { timeoutDuration: 3000, cooldownDuration: 30_000 });
    keySets.set(jwksUrl.href, keys);
  }
  const keySet = keys;
  return async (token) => {
    const now = clock();
    try {
      const { payload } = await jwtVerify(token, keySet, {
        ...CLAIMS,
        algorithms: ['RS256', 'ES256'],
        currentDate: now,
      });
      return profileIdOf(payload, now);
    } catch (error) {
      return rethrow(error);
    }
  };
};

/** The verifier of this deployment: local mode signs with the shared secret, the cloud with Contra's keys. */
export const viewerTokenVerifier = (): ViewerTokenVerifier =>
  isLocalMode()
    ? sharedSecretVerifier(localViewerTokenSecrets)
    : jwksVerifier(new URL(requireEnv(VIEWER_JWKS_URL_VARIABLE)));
