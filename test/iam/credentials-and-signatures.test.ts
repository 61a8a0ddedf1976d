import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { CredentialRegistry } from '../../local/iam/credentials.ts';
import { type ReceivedRequest, signatureClaimOf, verifySignature } from '../../local/iam/sigv4.ts';

// Per-function credentials and the SigV4 check of the requests signed with them, through the AWS SDK's own
// signer: header signatures and presigned (query) signatures, tampering, expiry.

const WEBHOOKS = {
  roleLogicalId: 'WebhooksFunctionRole',
  roleArn: 'arn:aws:iam::000000000000:role/ReelHire-dev-Stateless-WebhooksFunctionRole',
  sessionName: 'ReelHire-dev-Stateless-WebhooksFunction',
};

describe('function credentials', () => {
  it('derives a stable ASIA key id from the role and session, and a secret only its registry knows', () => {
    const first = new CredentialRegistry().issue(WEBHOOKS);
    const second = new CredentialRegistry().issue(WEBHOOKS);
    expect(first.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(second.accessKeyId).toBe(first.accessKeyId);
    expect(second.secretAccessKey).not.toBe(first.secretAccessKey);
    expect(new CredentialRegistry().issue({ ...WEBHOOKS, roleLogicalId: 'OtherRole' }).accessKeyId).not.toBe(
      first.accessKeyId,
    );
    const seeded = () => new CredentialRegistry({ seed: 'same' }).issue(WEBHOOKS);
    expect(seeded()).toEqual(seeded());
  });

  it('maps its keys back to the role session, and any other key to the administrator', () => {
    const registry = new CredentialRegistry();
    const { accessKeyId } = registry.issue(WEBHOOKS);
    expect(registry.principalOf(accessKeyId)).toEqual({
      kind: 'role-session',
      roleArn: WEBHOOKS.roleArn,
      sessionName: WEBHOOKS.sessionName,
    });
    expect(registry.principalOf('AKIAIOSFODNN7EXAMPLE')).toEqual({ kind: 'administrator' });
    expect(registry.principalOf(undefined)).toEqual({ kind: 'administrator' });
  });
});

const registry = new CredentialRegistry();
const credentials = registry.issue(WEBHOOKS);
const signerWith = (secretAccessKey = credentials.secretAccessKey) =>
  new SignatureV4({
    credentials: { ...credentials, secretAccessKey },
    region: 'us-east-1',
    service: 'secretsmanager',
    sha256: Sha256,
  });

const unsigned = (body: string): HttpRequest => ({
  method: 'POST',
  protocol: 'http:',
  hostname: '127.0.0.1',
  port: 4566,
  path: '/',
  query: {},
  headers: {
    host: '127.0.0.1:4566',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'secretsmanager.GetSecretValue',
  },
  body,
});

const received = (request: HttpRequest, body = String(request.body)): ReceivedRequest => {
  const query = new URLSearchParams(
    Object.entries(request.query ?? {}).flatMap(([name, value]) =>
      (Array.isArray(value) ? value : [value]).map((item): [string, string] => [name, String(item)]),
    ),
  ).toString();
  return {
    method: request.method,
    url: `${request.path}${query ? `?${query}` : ''}`,
    headers: request.headers,
    body: Buffer.from(body),
  };
};

const verify = async (request: ReceivedRequest, now?: Date) => {
  const claim = signatureClaimOf(request);
  if (!claim) throw new Error('no signature claim');
  return verifySignature(request, claim, credentials, now);
};

describe('SigV4 signatures of function requests', () => {
  const body = '{"SecretId":"reelhire/dev/tiktok-client-secret"}';

  it('reads the claim of an Authorization header and accepts the signature made with the function’s secret', async () => {
    const request = received(await signerWith().sign(unsigned(body)));
    expect(signatureClaimOf(request)).toMatchObject({
      accessKeyId: credentials.accessKeyId,
      region: 'us-east-1',
      service: 'secretsmanager',
      sessionToken: credentials.sessionToken,
      location: 'header',
    });
    expect(await verify(request)).toEqual({ valid: true });
  });

  it('refuses another secret, a changed body, and a missing session token', async () => {
    expect(await verify(received(await signerWith('another-secret').sign(unsigned(body))))).toMatchObject({
      valid: false,
      problem: 'mismatch',
    });
    const signed = await signerWith().sign(unsigned(body));
    expect(await verify(received(signed, '{"SecretId":"reelhire/dev/employer-signing-key"}'))).toMatchObject({
      valid: false,
      problem: 'mismatch',
    });
    const { 'x-amz-security-token': _token, ...withoutToken } = signed.headers;
    expect(await verify(received({ ...signed, headers: withoutToken }))).toMatchObject({
      valid: false,
      problem: 'token',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('still refuses a wrong signature once the day’s signing key is cached by a good one', async () => {
    const signingDate = new Date();
    const good = received(await signerWith().sign(unsigned(body), { signingDate }));
    expect(await verify(good)).toEqual({ valid: true });
    // The same day, region and service: the key the good one cached is the one these are checked with.
    const otherSecret = received(await signerWith('another-secret').sign(unsigned(body), { signingDate }));
    expect(await verify(otherSecret)).toMatchObject({ valid: false, problem: 'mismatch' });
    const authorization = String(good.headers.authorization);
    const forged = authorization.replace(/Signature=[0-9a-f]{64}/, `Signature=${'0'.repeat(64)}`);
    expect(forged).not.toBe(authorization);
    expect(await verify({ ...good, headers: { ...good.headers, authorization: forged } })).toMatchObject({
      valid: false,
      problem: 'mismatch',
    });
    expect(await verify(received(await signerWith().sign(unsigned(body), { signingDate })))).toEqual({
      valid: true,
    });
  });

  it('refuses a signature dated more than 15 minutes away, saying so as AWS does', async () => {
    const signingDate = new Date('2026-05-01T12:00:00Z');
    const request = received(await signerWith().sign(unsigned(body), { signingDate }));
    expect(await verify(request, new Date('2026-05-01T12:14:00Z'))).toEqual({ valid: true });
    expect(await verify(request, new Date('2026-05-01T12:20:00Z'))).toEqual({
      valid: false,
      problem: 'expired',
      message:
        'Signature expired: 20260501T120000Z is now earlier than 20260501T120500Z (20260501T122000Z - 15 min.)',
    });
  });

  it('checks presigned (query string) signatures too, and their expiry', async () => {
    const signingDate = new Date('2026-05-01T12:00:00Z');
    const presigned = await signerWith().presign(unsigned(''), { signingDate, expiresIn: 300 });
    const request = received(presigned, '');
    expect(signatureClaimOf(request)).toMatchObject({
      accessKeyId: credentials.accessKeyId,
      location: 'query',
    });
    expect(await verify(request, new Date('2026-05-01T12:01:00Z'))).toEqual({ valid: true });
    expect(await verify(request, new Date('2026-05-01T12:06:00Z'))).toMatchObject({
      valid: false,
      problem: 'expired',
    });
    const tampered = received({ ...presigned, query: { ...presigned.query, extra: 'added' } }, '');
    expect(await verify(tampered, new Date('2026-05-01T12:01:00Z'))).toMatchObject({
      valid: false,
      problem: 'mismatch',
    });
  });
});
