import { randomBytes } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { tamperedToken, unsignedToken, validClaims, viewerToken } from '../../local/testing/viewer-tokens.ts';
import { seedApplicantAndJobs } from './fixtures.ts';
import type { HostileRun } from './hostile-run.ts';

/**
 * Viewer-token attacks on POST /jobs/{jobId}/applications (CONTRACT §4 "Applying"): every forged, confused,
 * expired, misdirected or tampered JWT is refused with 401 and publishes no Application Submitted; a genuine
 * token applies (201), the control that the attacks fail for the right reason.
 */
export const jwtAttacks = async (run: HostileRun): Promise<void> => {
  const secret = run.system.secrets.VIEWER_TOKEN_SECRET;
  const suffix = randomBytes(4).toString('hex');
  const profileId = `jwt-applicant-${suffix}`;
  const jobId = `jwt-job-${suffix}`;
  await seedApplicantAndJobs(run.system, profileId, [{ jobId, notifyUrl: 'http://127.0.0.1:9/unused' }]);

  const apply = (token: string | undefined) =>
    run.send(`/jobs/${jobId}/applications`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: '{}',
    });
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const attacks: [string, () => Promise<string | undefined>][] = [
    ['no token', async () => undefined],
    ['alg none', async () => unsignedToken(validClaims(profileId))],
    [
      'HS256 signed with an RSA public key (HS/RS confusion)',
      async () =>
        new SignJWT(validClaims(profileId))
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(await exportSPKI(rsa.publicKey))),
    ],
    [
      'RS256 signed with an attacker’s key',
      async () =>
        new SignJWT(validClaims(profileId)).setProtectedHeader({ alg: 'RS256' }).sign(rsa.privateKey),
    ],
    ['expired', () => viewerToken(secret, profileId, { expiresIn: -60 })],
    ['without exp', () => viewerToken(secret, profileId, { expiresIn: null })],
    ['for another audience', () => viewerToken(secret, profileId, { audience: 'another-service' })],
    [
      'payload changed after signing',
      async () => tamperedToken(await viewerToken(secret, 'someone-else'), { sub: profileId }),
    ],
    ['signed with another secret', () => viewerToken('not-the-viewer-token-secret-0123456789', profileId)],
    ['HS384 with the right secret', () => viewerToken(secret, profileId, { algorithm: 'HS384' })],
  ];
  // CONTRACT §4: exp at most 24 h ahead, iat at most 60 s ahead; a stolen token must not live for ever.
  const now = Math.floor(Date.now() / 1000);
  const claimed = (claims: { exp: number; iat?: number }) =>
    new SignJWT({ sub: profileId, aud: 'reelhire', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
  const lifetimes: [string, () => Promise<string>][] = [
    ['valid for 800,000 years', () => claimed({ exp: now + 800_000 * 365 * 86_400 })],
    ['valid for 24 h and a minute', () => claimed({ exp: now + 86_400 + 60 })],
    ['issued tomorrow', () => claimed({ exp: now + 3600, iat: now + 86_400 })],
    ['issued 2 minutes ahead', () => claimed({ exp: now + 3600, iat: now + 120 })],
  ];
  const tried = [
    ...lifetimes.map(([name, token]) => ['long-lived or future JWT', name, token] as const),
    ...attacks.map(([name, token]) => ['JWT', name, token] as const),
  ];
  for (const [kind, name, token] of tried) {
    const mark = run.mark();
    const answer = await apply(await token());
    run.expectRefused(
      kind,
      `viewer token ${name}`,
      answer,
      [401],
      run.publishedSince(mark, 'Application Submitted').length,
    );
  }

  const mark = run.mark();
  const genuine = await apply(await viewerToken(secret, profileId));
  const published = run.publishedSince(mark, 'Application Submitted').length;
  run.record(
    'JWT',
    'a genuine viewer token applies once (control)',
    genuine.status === 201 && published === 1,
    `${genuine.status}, published ${published}`,
  );
};
