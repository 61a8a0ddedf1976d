import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidViewerTokenError,
  jwksVerifier,
  sharedSecretVerifier,
  VIEWER_TOKEN_AUDIENCE,
  ViewerKeysUnavailableError,
  type ViewerTokenVerifier,
  viewerTokenVerifier,
} from '#apply/viewer-token.ts';
import { tamperedToken, unsignedToken, validClaims, viewerToken } from '../../local/testing/viewer-tokens.ts';

const SECRET = 'local-viewer-token-secret';
const PREVIOUS_SECRET = 'previous-viewer-token-secret';

/** A 401, for the reason given: a token refused for the wrong reason would let the right one through. */
const rejects = async (verify: ViewerTokenVerifier, token: string, reason: string | RegExp) => {
  const refusal = verify(token);
  await expect(refusal).rejects.toBeInstanceOf(InvalidViewerTokenError);
  await expect(refusal).rejects.toMatchObject({ name: 'InvalidViewerTokenError' });
  await expect(refusal).rejects.toThrow(reason);
};

/** A 503, not a 401: the keys could not be had, which is ReelHire's problem, not the viewer's. */
const unavailable = async (verify: ViewerTokenVerifier, token: string, reason: RegExp) => {
  const refusal = verify(token);
  await expect(refusal).rejects.toBeInstanceOf(ViewerKeysUnavailableError);
  await expect(refusal).rejects.toMatchObject({ name: 'ViewerKeysUnavailableError' });
  await expect(refusal).rejects.toThrow(reason);
};

it('names the audience reelhire', () => {
  expect(VIEWER_TOKEN_AUDIENCE).toBe('reelhire');
});

const NOT_ALLOWED = '"alg" (Algorithm) Header Parameter value not allowed';
const BAD_SIGNATURE = 'signature verification failed';

describe('viewer tokens in local mode (HS256, VIEWER_TOKEN_SECRET)', () => {
  const verify = sharedSecretVerifier(async () => [SECRET, PREVIOUS_SECRET]);

  it('accepts a token signed with the current secret and gives its sub as the profile id', async () => {
    await expect(verify(await viewerToken(SECRET, 'prof_maya'))).resolves.toEqual({ profileId: 'prof_maya' });
  });

  it('accepts a token signed with the previous secret while both are configured (rotation)', async () => {
    await expect(verify(await viewerToken(PREVIOUS_SECRET, 'prof_maya'))).resolves.toEqual({
      profileId: 'prof_maya',
    });
  });

  it.each([
    ['signed with another secret', () => viewerToken('not-the-secret', 'prof_maya'), BAD_SIGNATURE],
    [
      'expired',
      () => viewerToken(SECRET, 'prof_maya', { expiresIn: -60 }),
      '"exp" claim timestamp check failed',
    ],
    [
      'without exp',
      () => viewerToken(SECRET, 'prof_maya', { expiresIn: null }),
      'missing required "exp" claim',
    ],
    [
      'for another audience',
      () => viewerToken(SECRET, 'prof_maya', { audience: 'someone-else' }),
      'unexpected "aud" claim value',
    ],
    [
      'without an audience',
      () => viewerToken(SECRET, 'prof_maya', { audience: null }),
      'missing required "aud" claim',
    ],
    ['without sub', () => viewerToken(SECRET, ''), 'missing required "sub" claim'],
    [
      'with a sub longer than a profile id',
      () => viewerToken(SECRET, 'p'.repeat(129)),
      'sub is not a profile id',
    ],
    [
      'with a sub that is not well-formed Unicode',
      () => viewerToken(SECRET, 'prof_\ud800'),
      'sub is not a profile id',
    ],
    ['with alg HS384', () => viewerToken(SECRET, 'prof_maya', { algorithm: 'HS384' }), NOT_ALLOWED],
    ['with alg none', async () => unsignedToken(validClaims('prof_maya')), NOT_ALLOWED],
    [
      'whose payload was changed after signing',
      async () => tamperedToken(await viewerToken(SECRET, 'prof_maya'), { sub: 'prof_someone_else' }),
      BAD_SIGNATURE,
    ],
    ['that is not a JWT', async () => 'not.a.jwt', 'JWS Protected Header is invalid'],
  ])('rejects a token %s', async (_, token, reason) => {
    await rejects(verify, await token(), reason);
  });

  it('rejects an RS256 token, whatever its key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(validClaims('prof_maya'))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    await rejects(verify, token, NOT_ALLOWED);
  });

  it('tries the next secret only on a signature mismatch: a token expired under the first stays expired', async () => {
    const expired = await viewerToken(SECRET, 'prof_maya', { expiresIn: -60 });
    await rejects(
      sharedSecretVerifier(async () => [SECRET, PREVIOUS_SECRET]),
      expired,
      '"exp" claim',
    );
    await rejects(
      sharedSecretVerifier(async () => []),
      await viewerToken(SECRET, 'prof_maya'),
      BAD_SIGNATURE,
    );
  });
});

describe('viewer token lifetimes (CONTRACT §4: exp at most 24 h ahead, iat at most 60 s ahead)', () => {
  const NOW = new Date('2026-11-20T12:00:00Z');
  const nowSeconds = NOW.getTime() / 1000;
  const DAY = 86_400;
  const verify = sharedSecretVerifier(
    async () => [SECRET],
    () => NOW,
  );
  const token = (claims: { exp?: number; iat?: number }) =>
    new SignJWT({ sub: 'prof_maya', aud: 'reelhire', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));

  it.each([
    ['exp exactly 24 h ahead', { exp: nowSeconds + DAY }],
    ['exp a second ahead', { exp: nowSeconds + 1 }],
    ['iat now', { exp: nowSeconds + 60, iat: nowSeconds }],
    ['iat 60 s ahead (clock skew)', { exp: nowSeconds + 3600, iat: nowSeconds + 60 }],
    ['iat long ago', { exp: nowSeconds + 3600, iat: nowSeconds - 30 * DAY }],
  ])('accepts %s', async (_, claims) => {
    await expect(verify(await token(claims))).resolves.toEqual({ profileId: 'prof_maya' });
  });

  it.each([
    ['exp a second over 24 h ahead', { exp: nowSeconds + DAY + 1 }, 'exp is more than 24 hours ahead'],
    ['exp 800,000 years ahead', { exp: nowSeconds + 800_000 * 365 * DAY }, 'exp is more than 24 hours ahead'],
    ['iat 61 s ahead', { exp: nowSeconds + 3600, iat: nowSeconds + 61 }, 'iat is in the future'],
    ['iat a year ahead', { exp: nowSeconds + 3600, iat: nowSeconds + 365 * DAY }, 'iat is in the future'],
    ['exp now', { exp: nowSeconds }, '"exp" claim timestamp check failed'],
  ])('rejects %s', async (_, claims, reason) => {
    await rejects(verify, await token(claims), reason);
  });
});

describe('viewer tokens in the cloud (RS256/ES256 from the JWKS url)', () => {
  let server: Server;
  let jwksUrl: URL;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let ec: Awaited<ReturnType<typeof generateKeyPair>>;
  let verify: ViewerTokenVerifier;
  let jwksRequests = 0;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    ec = await generateKeyPair('ES256', { extractable: true });
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((_, response) => {
      jwksRequests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
    verify = jwksVerifier(jwksUrl);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const signed = (alg: string, kid: string, key: CryptoKey, claims = validClaims('prof_maya')) =>
    new SignJWT(claims).setProtectedHeader({ alg, kid }).sign(key);

  it('accepts RS256 and ES256 tokens signed with a published key, fetching the keys once', async () => {
    await expect(verify(await signed('RS256', 'rsa-1', rsa.privateKey))).resolves.toEqual({
      profileId: 'prof_maya',
    });
    await expect(verify(await signed('ES256', 'ec-1', ec.privateKey))).resolves.toEqual({
      profileId: 'prof_maya',
    });
    expect(jwksRequests).toBe(1);
    // The key set is cached per url for the container, not per verifier.
    await expect(jwksVerifier(jwksUrl)(await signed('ES256', 'ec-1', ec.privateKey))).resolves.toBeDefined();
    expect(jwksRequests).toBe(1);
  });

  it('rejects HS256 signed with the RSA public key (algorithm confusion)', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const token = await new SignJWT(validClaims('prof_maya'))
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .sign(new TextEncoder().encode(pem));
    await rejects(verify, token, NOT_ALLOWED);
  });

  it('rejects alg none, even naming a published key', async () => {
    await rejects(verify, unsignedToken(validClaims('prof_maya')), NOT_ALLOWED);
  });

  it('rejects a token signed with a key that is not published', async () => {
    const stranger = await generateKeyPair('RS256');
    await rejects(verify, await signed('RS256', 'rsa-1', stranger.privateKey), BAD_SIGNATURE);
  });

  it.each([
    [
      'expired',
      { ...validClaims('prof_maya'), exp: Math.floor(Date.now() / 1000) - 60 },
      '"exp" claim timestamp check failed',
    ],
    [
      'for another audience',
      { ...validClaims('prof_maya'), aud: 'someone-else' },
      'unexpected "aud" claim value',
    ],
    [
      'valid for a year',
      { ...validClaims('prof_maya'), exp: Math.floor(Date.now() / 1000) + 365 * 86_400 },
      'exp is more than 24 hours ahead',
    ],
    [
      'issued tomorrow',
      { ...validClaims('prof_maya'), iat: Math.floor(Date.now() / 1000) + 86_400 },
      'iat is in the future',
    ],
  ])('rejects a properly signed token that is %s', async (_, claims, reason) => {
    await rejects(verify, await signed('RS256', 'rsa-1', rsa.privateKey, claims), reason);
  });

  it('rejects a token whose payload was changed after signing', async () => {
    await rejects(
      verify,
      tamperedToken(await signed('ES256', 'ec-1', ec.privateKey), { sub: 'prof_other' }),
      BAD_SIGNATURE,
    );
  });

  it('reads the clock it is given', async () => {
    const tomorrow = () => new Date(Date.now() + 86_400_000);
    await rejects(
      jwksVerifier(jwksUrl, tomorrow),
      await signed('RS256', 'rsa-1', rsa.privateKey),
      '"exp" claim timestamp check failed',
    );
  });

  it('reports unreachable keys as unavailable, not as a bad token', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = jwksVerifier(new URL(`http://127.0.0.1:${port}/jwks.json`));
    await unavailable(
      unreachable,
      await signed('RS256', 'rsa-1', rsa.privateKey),
      /^viewer keys unavailable: fetch failed/,
    );
  });

  describe('a JWKS server that misbehaves', () => {
    let misbehaving: Server;
    let base: string;
    beforeAll(async () => {
      misbehaving = createServer((request, response) => {
        const answer = {
          // Later than the verifier waits (3 s), sooner than jose would by default (5 s).
          '/slow': () => setTimeout(() => response.writeHead(200).end('{"keys":[]}'), 4_000),
          '/invalid': () => response.writeHead(200).end('{"keys":"not a list"}'),
          '/error': () => response.writeHead(500).end('internal error'),
          '/no-json': () => response.writeHead(200).end('<html>'),
          '/empty': () => response.writeHead(200).end('{"keys":[]}'),
        }[request.url ?? ''];
        answer?.();
      });
      await new Promise<void>((resolve) => misbehaving.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(misbehaving.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      misbehaving.closeAllConnections();
      await new Promise<void>((resolve) => misbehaving.close(() => resolve()));
    });

    it.each([
      ['does not answer within 3 s', '/slow', /^viewer keys unavailable: request timed out/],
      ['serves an invalid key set', '/invalid', /^viewer keys unavailable: JSON Web Key Set malformed/],
      ['answers 500', '/error', /^viewer keys unavailable: Expected 200 OK/],
      ['answers with something else than JSON', '/no-json', /^viewer keys unavailable: Failed to parse/],
    ])('that %s: the keys are unavailable (503), the token is not judged', async (_, path, reason) => {
      await unavailable(
        jwksVerifier(new URL(`${base}${path}`)),
        await signed('RS256', 'rsa-1', rsa.privateKey),
        reason,
      );
    });

    it('that lists none of the token’s keys: the token is not valid (401)', async () => {
      await rejects(
        jwksVerifier(new URL(`${base}/empty`)),
        await signed('RS256', 'rsa-1', rsa.privateKey),
        'no applicable key found in the JSON Web Key Set',
      );
    });
  });
});

describe('the verifier of this deployment', () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('checks HS256 with VIEWER_TOKEN_SECRET in local mode', async () => {
    process.env = { ...saved, REELHIRE_MODE: 'local', VIEWER_TOKEN_SECRET: SECRET };
    await expect(viewerTokenVerifier()(await viewerToken(SECRET, 'prof_maya'))).resolves.toEqual({
      profileId: 'prof_maya',
    });
  });

  it('fetches the keys from VIEWER_JWKS_URL in the cloud, and accepts no shared secret there', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const keys = [{ ...(await exportJWK(rsa.publicKey)), kid: 'deployed', alg: 'RS256', use: 'sig' }];
    const server = createServer((_, response) => response.writeHead(200).end(JSON.stringify({ keys })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deployed-jwks.json`;
      process.env = { ...saved, REELHIRE_MODE: 'cloud', VIEWER_JWKS_URL: url, VIEWER_TOKEN_SECRET: SECRET };
      const verify = viewerTokenVerifier();
      const token = await new SignJWT(validClaims('prof_maya'))
        .setProtectedHeader({ alg: 'RS256', kid: 'deployed' })
        .sign(rsa.privateKey);
      await expect(verify(token)).resolves.toEqual({ profileId: 'prof_maya' });
      await rejects(verify, await viewerToken(SECRET, 'prof_maya'), NOT_ALLOWED);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
