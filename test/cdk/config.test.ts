import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { StoredSecretName } from '#shared/secret-names.ts';
import { ConfigError, LOCAL_SYNTH_CONTEXT, loadConfig, secretSetting } from '../../lib/config.ts';
import { FUNCTIONS } from '../../lib/functions.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const contextOf =
  (values: Readonly<Record<string, unknown>>) =>
  (key: string): unknown =>
    values[key];

const SECRETS_IN_USE = [
  ...new Set(Object.values(FUNCTIONS).flatMap((spec): readonly StoredSecretName[] => spec.secrets)),
];

const completeProdEnv = (): NodeJS.ProcessEnv => ({
  REELHIRE_STAGE: 'prod',
  REELHIRE_VIEWER_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
  REELHIRE_ALARM_EMAIL: 'ops@example.com',
  ...Object.fromEntries(SECRETS_IN_USE.map((name) => [secretSetting(name).env, `reelhire/prod/${name}`])),
});

const errorOf = (load: () => unknown): string => {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

const JWKS = { REELHIRE_VIEWER_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json' };
const LOCAL = { [LOCAL_SYNTH_CONTEXT]: true };

describe('deploy config', () => {
  it('dev needs only the JWKS url: every other setting has a default', () => {
    const config = loadConfig(contextOf({ stage: 'dev' }), JWKS);
    expect(config.stage).toBe('dev');
    expect(config.local).toBe(false);
    expect(config.alarmEmail).toBeUndefined();
    expect(config.publicBaseUrl).toBeUndefined();
    expect(config.viewerJwksUrl).toBe(JWKS.REELHIRE_VIEWER_JWKS_URL);
    expect(config.secretNames.TIKTOK_CLIENT_SECRET).toBe('reelhire/dev/tiktok-client-secret');
    expect(config.secretNames.EMPLOYER_SIGNING_KEY).toBe('reelhire/dev/employer-signing-key');
    expect(loadConfig(contextOf({}), JWKS).stage).toBe('dev');
  });

  it('a synth to deploy, in any stage, fails without the JWKS url: no placeholder that answers 503', () => {
    for (const stage of ['dev', 'prod']) {
      const message = errorOf(() => loadConfig(contextOf({ stage }), {}));
      expect(message).toContain(`stage ${stage} is missing required configuration`);
      expect(message).toContain('viewerJwksUrl (-c viewerJwksUrl=… or REELHIRE_VIEWER_JWKS_URL)');
    }
  });

  it('a local synth (npm start, the tests) needs nothing in any stage', () => {
    for (const stage of ['dev', 'prod'] as const) {
      const config = loadConfig(contextOf({ stage, ...LOCAL }), {});
      expect(config).toMatchObject({ stage, local: true, alarmEmail: undefined });
      expect(config.viewerJwksUrl).toMatch(/^https:\/\/[^/]+\.invalid\//);
      expect(config.secretNames.TIKTOK_CLIENT_SECRET).toBe(`reelhire/${stage}/tiktok-client-secret`);
    }
    // `-c reelhire:local=true` arrives as a string.
    expect(loadConfig(contextOf({ [LOCAL_SYNTH_CONTEXT]: 'true' }), {}).local).toBe(true);
  });

  it('prod without config fails, naming every missing setting and how to give it', () => {
    const message = errorOf(() => loadConfig(contextOf({ stage: 'prod' }), {}));
    expect(message).toContain('stage prod is missing required configuration');
    expect(message).toContain('viewerJwksUrl (-c viewerJwksUrl=… or REELHIRE_VIEWER_JWKS_URL)');
    expect(message).toContain('alarmEmail (-c alarmEmail=… or REELHIRE_ALARM_EMAIL)');
    expect(SECRETS_IN_USE.length).toBeGreaterThan(0);
    for (const name of SECRETS_IN_USE) {
      const { context, env } = secretSetting(name);
      expect(message).toContain(`${context} (-c ${context}=… or ${env})`);
    }
  });

  it('prod names only what is still missing', () => {
    const { REELHIRE_ALARM_EMAIL: _, ...withoutEmail } = completeProdEnv();
    const message = errorOf(() => loadConfig(contextOf({}), withoutEmail));
    expect(message).toContain('alarmEmail');
    expect(message).not.toContain('viewerJwksUrl');
    for (const name of SECRETS_IN_USE) expect(message).not.toContain(secretSetting(name).context);
  });

  it('prod with every setting loads; the environment wins over the context', () => {
    const config = loadConfig(contextOf({ stage: 'dev', alarmEmail: 'old@example.com' }), {
      ...completeProdEnv(),
      REELHIRE_PUBLIC_BASE_URL: 'https://reelhire.example.com/',
    });
    expect(config.stage).toBe('prod');
    expect(config.alarmEmail).toBe('ops@example.com');
    expect(config.publicBaseUrl).toBe('https://reelhire.example.com');
    expect(config.secretNames.TIKTOK_CLIENT_SECRET).toBe('reelhire/prod/TIKTOK_CLIENT_SECRET');
  });

  it('forwards the default bus in dev and not in prod, unless told otherwise', () => {
    expect(loadConfig(contextOf({}), JWKS).forwardDefaultBus).toBe(true);
    expect(loadConfig(contextOf({}), completeProdEnv()).forwardDefaultBus).toBe(false);
    expect(loadConfig(contextOf({ forwardDefaultBus: true }), completeProdEnv()).forwardDefaultBus).toBe(
      true,
    );
    expect(
      loadConfig(contextOf({}), { ...completeProdEnv(), REELHIRE_FORWARD_DEFAULT_BUS: 'true' })
        .forwardDefaultBus,
    ).toBe(true);
    expect(loadConfig(contextOf({ forwardDefaultBus: 'false' }), JWKS).forwardDefaultBus).toBe(false);
    expect(errorOf(() => loadConfig(contextOf({ forwardDefaultBus: 'yes' }), JWKS))).toContain(
      'forwardDefaultBus must be true or false',
    );
  });

  it('reads the platforms’ accounts, comma-separated, and refuses anything but 12-digit ids', () => {
    expect(loadConfig(contextOf({}), JWKS).platformAccountIds).toEqual([]);
    expect(
      loadConfig(contextOf({}), {
        ...JWKS,
        REELHIRE_PLATFORM_ACCOUNT_IDS: ' 111111111111, 222222222222,111111111111 ',
      }).platformAccountIds,
    ).toEqual(['111111111111', '222222222222']);
    expect(errorOf(() => loadConfig(contextOf({ platformAccountIds: '1234,abc' }), JWKS))).toContain(
      'platformAccountIds must be comma-separated 12-digit AWS account ids',
    );
  });

  it('reads the viral rate as a whole number above the viewer class, and leaves it unset by default', () => {
    expect(loadConfig(contextOf({}), JWKS).viralTapsPerSecond).toBeUndefined();
    expect(
      loadConfig(contextOf({ viralTapsPerSecond: '50000' }), {
        ...JWKS,
        REELHIRE_VIRAL_TAPS_PER_SECOND: '100000',
      }).viralTapsPerSecond,
    ).toBe(100_000);
    for (const value of ['500', '1e5x', '2.5', '-1', '200001']) {
      expect(errorOf(() => loadConfig(contextOf({ viralTapsPerSecond: value }), JWKS))).toContain(
        'viralTapsPerSecond must be a whole number above the viewer class',
      );
    }
  });

  it('refuses malformed settings', () => {
    expect(errorOf(() => loadConfig(contextOf({ stage: 'staging' }), {}))).toContain(
      'stage must be one of dev, prod',
    );
    expect(
      errorOf(() => loadConfig(contextOf({ viewerJwksUrl: 'http://auth.example.com/jwks.json' }), {})),
    ).toContain('viewerJwksUrl must be an https url');
    expect(errorOf(() => loadConfig(contextOf({ alarmEmail: 'ops' }), JWKS))).toContain(
      'alarmEmail must be an email',
    );
    expect(errorOf(() => loadConfig(contextOf({ alarmEmail: 42 }), JWKS))).toContain(
      'alarmEmail must be a string',
    );
  });

  it('`cdk synth` without a JWKS url exits non-zero naming it, even in dev (a deploy would answer 503)', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'reelhire-prod-'));
    try {
      const environment = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !name.startsWith('REELHIRE_')),
      );
      // What the CDK CLI does: run the app with the context and the output directory in the environment.
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
        cwd: PROJECT_ROOT,
        env: { ...environment, CDK_CONTEXT_JSON: JSON.stringify({ stage: 'dev' }), CDK_OUTDIR: outdir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(
        'stage dev is missing required configuration: viewerJwksUrl (-c viewerJwksUrl=… or REELHIRE_VIEWER_JWKS_URL)',
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
