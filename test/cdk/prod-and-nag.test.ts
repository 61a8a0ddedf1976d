import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { type CfnTemplate, readAssembly } from '../../lib/assembly.ts';
import { LOCAL_SYNTH_CONTEXT, secretSetting, secretsInUse } from '../../lib/config.ts';
import { logicalIds, stackIdOf } from '../../lib/names.ts';
import { EVENT_ROUTES } from '../../lib/routing.ts';
import { synthesized } from '../support/synth.ts';
import { prop, resourceOf, resourcesOf } from './template.ts';

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly violatingConstructs: readonly { readonly constructPath: string }[];
    }[];
  }[];
}

const reportOf = (outdir: string): ValidationReport =>
  JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;

/** Rule and construct of every finding that was not acknowledged. */
const findingsOf = (report: ValidationReport): string[] =>
  report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((construct) => `${violation.ruleName} ${construct.constructPath}`),
    ),
  );

/** Synthesizes without bundling (no function code is needed to check the infrastructure). */
const synthWithoutBundling = (
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

const SECRETS_IN_USE = [...secretsInUse()];
const PROD_ENV: NodeJS.ProcessEnv = {
  REELHIRE_VIEWER_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
  REELHIRE_ALARM_EMAIL: 'ops@example.com',
  REELHIRE_PUBLIC_BASE_URL: 'https://reelhire.example.com',
  ...Object.fromEntries(SECRETS_IN_USE.map((name) => [secretSetting(name).env, `prod/reelhire/${name}`])),
};

const outdirs: string[] = [];
const freshOutdir = (): string => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'reelhire-synth-'));
  outdirs.push(outdir);
  return outdir;
};
afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

describe('prod synth', () => {
  let outdir = '';
  let stateful: CfnTemplate;
  let stateless: CfnTemplate;

  beforeAll(() => {
    outdir = freshOutdir();
    synthWithoutBundling(outdir, { stage: 'prod' }, PROD_ENV);
    ({ stateful, stateless } = readAssembly(outdir, 'prod').templates);
  });

  it('keeps the table, the bus and the dead-letter queues, and protects the table from deletion', () => {
    const table = resourceOf(stateful, logicalIds.table, 'AWS::DynamoDB::Table');
    expect(prop(table, 'DeletionProtectionEnabled')).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(resourceOf(stateful, logicalIds.eventBus, 'AWS::Events::EventBus').DeletionPolicy).toBe('Retain');
    expect(prop(resourceOf(stateful, logicalIds.eventBus, 'AWS::Events::EventBus'), 'Name')).toBe(
      'reelhire-prod',
    );
    for (const route of EVENT_ROUTES) {
      expect(
        resourceOf(stateful, logicalIds.deadLetterQueue(route.id), 'AWS::SQS::Queue').DeletionPolicy,
      ).toBe('Retain');
    }
    const archives = resourcesOf(stateful, 'AWS::Events::Archive');
    expect(archives.map(([, archive]) => prop(archive, 'RetentionDays'))).toEqual([30]);
  });

  it('turns on termination protection for the stateful stack', () => {
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { properties?: { terminationProtection?: boolean } }>;
    };
    expect(manifest.artifacts[stackIdOf('prod', 'stateful')]?.properties?.terminationProtection).toBe(true);
  });

  it('wires the configured JWKS url, public base url, secret names and alarm email', () => {
    const applicationsApi = resourceOf(
      stateless,
      logicalIds.function('applicationsApi'),
      'AWS::Lambda::Function',
    );
    expect(prop(applicationsApi, 'Environment', 'Variables', 'VIEWER_JWKS_URL')).toBe(
      PROD_ENV.REELHIRE_VIEWER_JWKS_URL,
    );
    expect(prop(applicationsApi, 'Environment', 'Variables', 'PUBLIC_BASE_URL')).toBe(
      'https://reelhire.example.com',
    );
    const webhooks = resourceOf(stateless, logicalIds.function('webhooks'), 'AWS::Lambda::Function');
    expect(prop(webhooks, 'Environment', 'Variables', 'TIKTOK_CLIENT_SECRET_NAME')).toBe(
      'prod/reelhire/TIKTOK_CLIENT_SECRET',
    );
    expect(prop(applicationsApi, 'Environment', 'Variables', 'REELHIRE_STAGE')).toBe('prod');
    const subscriptions = resourcesOf(stateless, 'AWS::SNS::Subscription').map(([, subscription]) => ({
      protocol: prop(subscription, 'Protocol'),
      endpoint: prop(subscription, 'Endpoint'),
    }));
    expect(subscriptions).toEqual([{ protocol: 'email', endpoint: 'ops@example.com' }]);
  });

  it('never puts a secret value in the template', () => {
    const text = readFileSync(path.join(outdir, `${stackIdOf('prod', 'stateless')}.template.json`), 'utf8');
    expect(text).not.toMatch(/whsec_|resolve:secretsmanager/);
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged', () => {
    expect(findingsOf(reportOf(outdir))).toEqual([]);
  });
});

describe('cdk-nag', () => {
  it('the dev synth passes AwsSolutions with every finding acknowledged', () => {
    expect(findingsOf(reportOf(synthesized().outdir))).toEqual([]);
  });

  it('runs on every synth: an unencrypted queue without a dead-letter queue is reported', () => {
    const outdir = freshOutdir();
    const synth = () =>
      synthWithoutBundling(outdir, { stage: 'dev', [LOCAL_SYNTH_CONTEXT]: true }, {}, ({ stateless }) => {
        new Queue(stateless, 'CarelessQueue');
      });
    // The synth fails (so `cdk synth` and `cdk deploy` stop) and the report names the finding.
    expect(synth).toThrow(/CarelessQueue/);
    const findings = findingsOf(reportOf(outdir)).filter((finding) => finding.includes('CarelessQueue'));
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^AwsSolutions-SQS3 /),
        expect.stringMatching(/^AwsSolutions-SQS4 /),
      ]),
    );
  });
});
