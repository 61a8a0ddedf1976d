import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { sharedSecretVerifier } from '#apply/viewer-token.ts';
import { apiKeyOf } from '#employers/employer.ts';
import { employerSecret } from '#notify/employer-secret.ts';
import { endpointTest } from '#notify/notification.ts';
import { DEV_SECRETS } from '../../local/dev-secrets.ts';
import { freePort, PROJECT_ROOT } from '../support/npm-start.ts';
import { corsHeadersOf, sendRaw } from '../support/raw-http.ts';
import { reelhire, startEmployerListener } from '../support/reelhire-cli.ts';

/** What the CLI does without a stack: help, usage errors and their exit codes, tokens and secrets. */

describe('reelhire --version', () => {
  it("prints package.json's version alone on stdout (exit 0), with --version and -V", async () => {
    const { version } = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      const result = await reelhire([flag]);
      expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});

const CONTRACT_COMMANDS = [
  'trigger',
  'send',
  'links',
  'token',
  'employer-key',
  'employer-secret',
  'applications',
  'dlq',
  'employer',
];
const TRIGGER_FLAGS = [
  '--video-id',
  '--account-id',
  '--profile-id',
  '--job-id',
  '--version',
  '--notify-url',
  '--videos',
  '--url',
  '--json',
];

describe('reelhire --help and usage errors', () => {
  it('lists every command of CONTRACT §5, and each command has its help (exit 0)', async () => {
    const help = await reelhire(['--help']);
    expect(help.code).toBe(0);
    for (const command of CONTRACT_COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const dlq = await reelhire(['dlq', '--help']);
    expect(dlq.code).toBe(0);
    expect(dlq.stdout).toMatch(/^ {2}list /m);
    expect(dlq.stdout).toMatch(/^ {2}redrive /m);
    const trigger = await reelhire(['trigger', '--help']);
    expect(trigger.code).toBe(0);
    for (const flag of TRIGGER_FLAGS) expect(trigger.stdout).toContain(flag);
    expect(trigger.stdout).toContain('contra.job-published');
  });

  it.each([
    [['nope'], /unknown command 'nope'/],
    [['trigger', 'tiktok.video-deleted'], /Allowed choices are tiktok\.video-posted/],
    [['trigger'], /missing required argument 'name'/],
    [['trigger', 'contra.job-closed', '--version', '0'], /--version <n>.*integer ≥ 1/],
    [['trigger', 'contra.job-published', '--videos', 'vimeo:1'], /"vimeo:1" is not <platform>:<videoId>/],
    [['links', 'vimeo', '1'], /Allowed choices are tiktok, youtube/],
    [['links', 'tiktok', '1', '--url', 'ftp://x'], /--url <url>.*not http/],
    [['employer-secret', 'emp', '--region', 'eu-west-1'], /--region and --secret-name go together/],
    [['employer', 'listen', '--port', 'http'], /a port number is expected/],
  ])('reelhire %j exits 2 with one line on stderr', async (args, message) => {
    const result = await reelhire(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('exits 1 with one line when no stack answers at the target', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await reelhire(['links', 'tiktok', '1'], { env: { REELHIRE_URL: url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^reelhire: cannot reach ${url} \\(.*ECONNREFUSED.*\\); is \`npm start\` running there\\?\\n$`,
      ),
    );
  });
});

describe('reelhire token', () => {
  it('prints a viewer JWT that the stack verifier accepts: sub the profile, aud reelhire, an hour long', async () => {
    const result = await reelhire(['token', 'prof_viewer']);
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    expect(result.stdout).toBe(`${token}\n`);
    await expect(sharedSecretVerifier(async () => [DEV_SECRETS.VIEWER_TOKEN_SECRET])(token)).resolves.toEqual(
      {
        profileId: 'prof_viewer',
      },
    );
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'prof_viewer', aud: 'reelhire' });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(60);
  });

  it('signs with VIEWER_TOKEN_SECRET when it is set (its first value during a rotation)', async () => {
    const secret = 'a-viewer-secret-of-this-test-at-least-32-bytes';
    const result = await reelhire(['token', 'prof_viewer'], {
      env: { VIEWER_TOKEN_SECRET: `${secret} an-older-viewer-secret-still-accepted-for-now` },
    });
    const token = result.stdout.trim();
    await expect(sharedSecretVerifier(async () => [secret])(token)).resolves.toEqual({
      profileId: 'prof_viewer',
    });
    await expect(
      sharedSecretVerifier(async () => [DEV_SECRETS.VIEWER_TOKEN_SECRET])(token),
    ).rejects.toThrow();
  });
});

describe('reelhire employer-key', () => {
  it("prints the employer's first API key when no stack runs, saying so on stderr", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await reelhire(['employer-key', 'emp_northwind'], { env: { REELHIRE_URL: url } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${apiKeyOf(DEV_SECRETS.EMPLOYER_SIGNING_KEY, 'emp_northwind', 0)}\n`);
    expect(result.stderr).toMatch(/no running stack/);
  });
});

describe('reelhire employer-secret', () => {
  it("prints the employer's secret derived as the notifier derives it, from the development default or the environment", async () => {
    const fromDefault = await reelhire(['employer-secret', 'emp_northwind']);
    expect(fromDefault.code).toBe(0);
    expect(fromDefault.stdout).toBe(`${employerSecret(DEV_SECRETS.EMPLOYER_SIGNING_KEY, 'emp_northwind')}\n`);
    expect(fromDefault.stdout).toMatch(/^whsec_[A-Za-z0-9+/]+=*\n$/);

    const fromEnv = await reelhire(['employer-secret', 'emp_northwind'], {
      env: { EMPLOYER_SIGNING_KEY: 'the-master-key-of-this-test' },
    });
    expect(fromEnv.stdout).toBe(`${employerSecret('the-master-key-of-this-test', 'emp_northwind')}\n`);
    expect(fromEnv.stdout).not.toBe(fromDefault.stdout);
  });
});

describe('reelhire employer listen', () => {
  it('refuses a rebound Host and any web page with 403 before verifying, as the other local endpoints do (CONTRACT §5)', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const listener = await startEmployerListener(['--employer-id', 'emp_northwind'], { REELHIRE_URL: url });
    try {
      const port = new URL(listener.url).port;
      // Signed with the employer's real secret: only the guard can refuse it.
      const signed = (headers: Record<string, string>) => {
        const now = new Date();
        const body = JSON.stringify(endpointTest('emp_northwind', now.toISOString()));
        const webhookId = `msg_${headers.host ?? 'loopback'}_${headers.origin ?? ''}`;
        const signature = new Webhook(employerSecret(DEV_SECRETS.EMPLOYER_SIGNING_KEY, 'emp_northwind')).sign(
          webhookId,
          now,
          body,
        );
        return sendRaw(listener.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': webhookId,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': signature,
            ...headers,
          },
          body,
        });
      };
      const attempts: Record<string, string>[] = [
        { host: `rebind.attacker.example:${port}` },
        { host: 'evil-localhost' },
        { origin: 'https://attacker.example' },
        { origin: `http://127.0.0.1:${port}` },
      ];
      for (const headers of attempts) {
        const answer = await signed(headers);
        expect(answer.status, JSON.stringify(headers)).toBe(403);
        expect(answer.body).toMatch(
          /^(Host ".*" is not 127\.0\.0\.1 or localhost|Origin ".*" is not allowed)/,
        );
        expect(corsHeadersOf(answer)).toEqual([]);
      }
      await listener.waitFor(
        /refused a request to \/: Origin "http:\/\/127\.0\.0\.1:\d+" is not allowed.*\(403\)/,
      );
      expect(listener.output()).not.toContain('endpoint.test  (webhook-id');

      const admitted = await signed({ host: `localhost:${port}` });
      expect(admitted.status).toBe(200);
      await listener.waitFor(/endpoint\.test {2}\(webhook-id msg_localhost:\d+_, signature verified\)/);
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });
});
