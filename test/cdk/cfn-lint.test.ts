import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_KINDS, stackIdOf } from '../../lib/names.ts';
import { synthesized } from '../support/synth.ts';
import { freshOutdir, PROD_ENV, removeOutdirs, synthWithoutBundling } from '../support/synth-variants.ts';

// cfn-lint (the CloudFormation linter, a Python tool) on the dev and the prod templates: what CloudFormation
// would refuse at deploy time, or warn about, beyond what the CDK checks. Skipped, saying so, where it is absent.

interface Finding {
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Location: { readonly Path: readonly (string | number)[] };
  readonly Filename: string;
}

const available = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!available) console.warn('cfn-lint is not installed: the cfn-lint checks of the templates are skipped');

/**
 * Findings that are known to be the linter's, each with why:
 * - W3005: the CDK adds its own DependsOn from a function to its role's policy, beside the GetAtt of the role.
 * - E3002 on AWS::CloudWatch::Dashboard `Tags`: CloudFormation takes dashboard tags (Template Reference), the
 *   linter's resource schema predates them.
 */
const knownToTheLinter = (finding: Finding, template: Record<string, unknown>): boolean => {
  if (finding.Rule.Id === 'W3005') return true;
  const [section, logicalId] = finding.Location.Path;
  const resources = template.Resources as Record<string, { Type: string }>;
  return (
    finding.Rule.Id === 'E3002' &&
    section === 'Resources' &&
    resources[String(logicalId)]?.Type === 'AWS::CloudWatch::Dashboard' &&
    finding.Message.includes("'Tags' was unexpected")
  );
};

const lint = (templateFile: string): string[] => {
  const result = spawnSync('cfn-lint', ['--format', 'json', templateFile], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const findings = JSON.parse(result.stdout || '[]') as Finding[];
  const template = JSON.parse(readFileSync(templateFile, 'utf8')) as Record<string, unknown>;
  return findings
    .filter((finding) => !knownToTheLinter(finding, template))
    .map((finding) => `${finding.Rule.Id} ${finding.Location.Path.join('/')}: ${finding.Message}`);
};

afterAll(removeOutdirs);

describe.skipIf(!available)('cfn-lint', () => {
  let prodOutdir = '';
  beforeAll(() => {
    prodOutdir = freshOutdir();
    synthWithoutBundling(prodOutdir, { stage: 'prod' }, PROD_ENV);
  });

  it.each(STACK_KINDS)('finds nothing in the dev %s template', (kind) => {
    const file = path.join(synthesized().outdir, `${stackIdOf('dev', kind)}.template.json`);
    expect(lint(file)).toEqual([]);
  });

  it.each(STACK_KINDS)('finds nothing in the prod %s template', (kind) => {
    expect(lint(path.join(prodOutdir, `${stackIdOf('prod', kind)}.template.json`))).toEqual([]);
  });
});
