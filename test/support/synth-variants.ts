import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../lib/app.ts';
import { secretSetting, secretsInUse } from '../../lib/config.ts';

/** Synths without bundles for template suites other than the shared dev one, and their cdk-nag reports. */

export interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly violatingConstructs: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

export const reportOf = (outdir: string): ValidationReport =>
  JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;

/** Rule and construct of every finding that was not acknowledged. */
export const findingsOf = (report: ValidationReport): string[] =>
  report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((construct) => `${violation.ruleName} ${construct.constructPath}`),
    ),
  );

/** Synthesizes without bundling (no function code is needed to check the infrastructure). */
export const synthWithoutBundling = (
  outdir: string,
  context: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  extend?: (built: ReturnType<typeof buildApp>) => void,
): void => {
  const built = buildApp({
    outdir,
    context: { ...context, 'aws:cdk:bundling-stacks': [] },
    env,
    cloudFormationValidation: false,
  });
  extend?.(built);
  built.app.synth();
};

export const SECRETS_IN_USE = [...secretsInUse()];
export const PROD_ENV: NodeJS.ProcessEnv = {
  REELHIRE_VIEWER_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
  REELHIRE_ALARM_EMAIL: 'ops@example.com',
  REELHIRE_PUBLIC_BASE_URL: 'https://reelhire.example.com',
  ...Object.fromEntries(SECRETS_IN_USE.map((name) => [secretSetting(name).env, `prod/reelhire/${name}`])),
};

const outdirs: string[] = [];
export const freshOutdir = (): string => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'reelhire-synth-'));
  outdirs.push(outdir);
  return outdir;
};
/** Deletes what freshOutdir made (call it in afterAll). */
export const removeOutdirs = (): void => {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
};
