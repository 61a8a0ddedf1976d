import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJsonObject } from '#shared/json.ts';
import { type CfnTemplate, readAssembly } from '../../lib/assembly.ts';
import { freshOutdir, PROD_ENV, removeOutdirs, synthWithoutBundling } from '../support/synth-variants.ts';

/**
 * docs/privacy.md states how long each copy of personal data lives; the ones the stack sets must be what the
 * production template sets (CONTRACT §7: what cannot be edited per person expires on the stated schedule).
 */

const DAY_SECONDS = 86_400;
/** DynamoDB's point-in-time recovery window when the template names none. */
const DEFAULT_PITR_DAYS = 35;

afterAll(removeOutdirs);

/** The retention table of docs/privacy.md: each row's first cell and its days. */
const documentedDays = (): Map<string, number> => {
  const text = readFileSync(path.resolve(import.meta.dirname, '../../docs/privacy.md'), 'utf8');
  const rows = new Map<string, number>();
  for (const match of text.matchAll(/^\|\s*([^|]+?)\s*\|\s*(\d+) days?\s*\|/gm)) {
    rows.set(match[1] ?? '', Number(match[2]));
  }
  return rows;
};

type Resource = { readonly Type: string; readonly Properties?: Record<string, unknown> };

const resourcesOfType = (templates: readonly CfnTemplate[], type: string): [string, Resource][] =>
  templates.flatMap((template) =>
    Object.entries((template.Resources ?? {}) as Record<string, Resource>).filter(
      ([, resource]) => resource.Type === type,
    ),
  );

/** The one value all of `values` share (a copy has one schedule), or a failure naming them. */
const theOne = (values: readonly number[], what: string): number => {
  const distinct = [...new Set(values)];
  if (distinct.length !== 1) throw new Error(`${what}: expected one retention, found ${distinct.join(', ')}`);
  return distinct[0] ?? Number.NaN;
};

describe('docs/privacy.md retention table against the prod template', () => {
  let templates: CfnTemplate[];
  const documented = documentedDays();

  beforeAll(() => {
    const outdir = freshOutdir();
    synthWithoutBundling(outdir, { stage: 'prod' }, PROD_ENV);
    const assembly = readAssembly(outdir, 'prod');
    templates = [assembly.templates.stateful, assembly.templates.stateless];
  });

  const queueDays = (deadLetter: boolean) =>
    theOne(
      resourcesOfType(templates, 'AWS::SQS::Queue')
        .filter(([id]) => id.includes('DeadLetter') === deadLetter)
        .map(([, queue]) => Number(queue.Properties?.MessageRetentionPeriod) / DAY_SECONDS),
      deadLetter ? 'dead-letter queues' : 'work queues',
    );
  const logDays = (accessLogs: boolean) =>
    theOne(
      resourcesOfType(templates, 'AWS::Logs::LogGroup')
        .filter(([id]) => id.startsWith('HttpApiAccessLogs') === accessLogs)
        .map(([, group]) => Number(group.Properties?.RetentionInDays)),
      accessLogs ? 'access logs' : 'function logs',
    );

  it.each([
    [
      'event bus archive (events, for replay)',
      () =>
        theOne(
          resourcesOfType(templates, 'AWS::Events::Archive').map(([, archive]) =>
            Number(archive.Properties?.RetentionDays),
          ),
          'archive',
        ),
    ],
    [
      'table backups (point-in-time recovery)',
      () => {
        const [[, table] = ['', { Type: '' }]] = resourcesOfType(templates, 'AWS::DynamoDB::Table');
        const pitr = table.Properties?.PointInTimeRecoverySpecification;
        expect(isJsonObject(pitr) && pitr.PointInTimeRecoveryEnabled).toBe(true);
        return isJsonObject(pitr) && typeof pitr.RecoveryPeriodInDays === 'number'
          ? pitr.RecoveryPeriodInDays
          : DEFAULT_PITR_DAYS;
      },
    ],
    ['dead-letter queues (failed events and notifications)', () => queueDays(true)],
    ['work queues (events not yet handled)', () => queueDays(false)],
    ['API access logs (client IP addresses)', () => logDays(true)],
    ['function logs (no personal values)', () => logDays(false)],
  ])('%s', (copy, deployed) => {
    expect(documented.get(copy), `docs/privacy.md has no row "${copy}"`).toBe(deployed());
  });

  it('access logs keep client IPs 30 days, as CONTRACT §7 says', () => {
    expect(logDays(true)).toBe(30);
  });
});
