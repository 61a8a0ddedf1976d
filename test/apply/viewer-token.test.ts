import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidViewerTokenError,
  jwksVerifier,
  sharedSecretVerifier,
  ViewerKeysUnavailableError,
  type ViewerTokenVerifier,
} from '#apply/viewer-token.ts';
import { tamperedToken, unsignedToken, validClaims, viewerToken } from '../../local/testing/viewer-tokens.ts';

const SECRET = 'local-viewer-token-secret';
const PREVIOUS_SECRET = 'previous-viewer-token-secret';

const rejects = async (verify: ViewerTokenVerifier, token: string) =>
  expect(verify(token)).rejects.toBeInstanceOf(InvalidViewerTokenError);

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
    ['signed with another secret', () => viewerToken('not-the-secret', 'prof_maya')],
    ['expired', () => viewerToken(SECRET, 'prof_maya', { expiresIn: -60 })],
    ['without exp', () => viewerToken(SECRET, 'prof_maya', { expiresIn: null })],
    ['for another audience', () => viewerToken(SECRET, 'prof_maya', { audience: 'someone-else' })],
    ['without an audience', () => viewerToken(SECRET, 'prof_maya', { audience: null })],
    ['without sub', () => viewerToken(SECRET, '')],
    ['with a sub longer than a profile id', () => viewerToken(SECRET, 'p'.repeat(129))],
    ['with alg HS384', () => viewerToken(SECRET, 'prof_maya', { algorithm: 'HS384' })],
    ['with alg none', async () => unsignedToken(validClaims('prof_maya'))],
    [
      'whose payload was changed after signing',
      async () => tamperedToken(await viewerToken(SECRET, 'prof_maya'), { sub: 'prof_someone_else' }),
    ],
    ['that is not a JWT', async () => 'not.a.jwt'],
  ])('rejects a token %s', async (_, token) => {
    await rejects(verify, await token());
  });

  it('rejects an RS256 token, whatever its key', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(validClaims('prof_maya'))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    await rejects(verify, token);
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
    await rejects(verify, token);
  });

  it('rejects alg none, even naming a published key', async () => {
    await rejects(verify, unsignedToken(validClaims('prof_maya')));
  });

  it('rejects a token signed with a key that is not published', async () => {
    const stranger = await generateKeyPair('RS256');
    await rejects(verify, await signed('RS256', 'rsa-1', stranger.privateKey));
  });

  it.each([
    ['expired', { ...validClaims('prof_maya'), exp: Math.floor(Date.now() / 1000) - 60 }],
    ['for another audience', { ...validClaims('prof_maya'), aud: 'someone-else' }],
  ])('rejects a properly signed token that is %s', async (_, claims) => {
    await rejects(verify, await signed('RS256', 'rsa-1', rsa.privateKey, claims));
  });

  it('rejects a token whose payload was changed after signing', async () => {
    await rejects(verify, tamperedToken(await signed('ES256', 'ec-1', ec.privateKey), { sub: 'prof_other' }));
  });

  it('reports unreachable keys as unavailable, not as a bad token', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = jwksVerifier(new URL(`http://127.0.0.1:${port}/jwks.json`));
    await expect(unreachable(await signed('RS256', 'rsa-1', rsa.privateKey))).rejects.toBeInstanceOf(
      ViewerKeysUnavailableError,
    );
  });
});
