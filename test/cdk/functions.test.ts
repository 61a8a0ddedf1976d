import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FUNNEL_STREAM_VARIABLE,
  FUNNEL_TABLE_VARIABLE,
  FUNNEL_WORKGROUP_VARIABLE,
} from '#funnel/funnel-log.ts';
import { FUNNEL_PUT_WITHIN_MS } from '#funnel/funnel-rollup.ts';
import { secretIdVariable, VIEWER_JWKS_URL_VARIABLE } from '#shared/secret-names.ts';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../../lib/functions.ts';
import { funnelStreamNameOf, logicalIds } from '../../lib/names.ts';
import { EVENT_ROUTES } from '../../lib/routing.ts';
import { bundleDirOf, environmentOf, importBundledHandler } from '../support/synth.ts';
import { prop, resolve, resourceOf, templates } from './template.ts';

const FUNCTION_ENTRIES = Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][];

/** The newest `nodejsNN.x` that aws-cdk-lib knows, read from its Runtime class rather than written down here. */
const newestNodeRuntime = (): string => {
  const source = readFileSync(
    new URL('../../node_modules/aws-cdk-lib/aws-lambda/lib/runtime.d.ts', import.meta.url),
    'utf8',
  );
  const versions = [...source.matchAll(/NODEJS_(\d+)_X\b/g)].map((match) => Number(match[1]));
  return `nodejs${Math.max(...versions)}.x`;
};

const COMMON_VARIABLES = [
  'TABLE_NAME',
  'EVENT_BUS_NAME',
  'PUBLIC_BASE_URL',
  'REELHIRE_STAGE',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'NODE_OPTIONS',
];
const QUEUE_VARIABLES = ['QUEUE_URL', 'DEAD_LETTER_QUEUE_URL', 'MAX_RECEIVE_COUNT'];

describe.each(FUNCTION_ENTRIES)('function %s', (name, spec) => {
  const { stateless } = templates();
  const fn = resourceOf(stateless, logicalIds.function(name), 'AWS::Lambda::Function');

  it('runs on ARM64 with the newest Node.js runtime, with its memory and timeout from routing', () => {
    expect(prop(fn, 'Architectures')).toEqual(['arm64']);
    expect(prop(fn, 'Runtime')).toBe(newestNodeRuntime());
    expect(prop(fn, 'MemorySize')).toBe(spec.memoryMb);
    expect(prop(fn, 'Timeout')).toBe(spec.timeoutSeconds);
    expect(prop(fn, 'Handler')).toBe('index.handler');
  });

  it.runIf(spec.recordsFunnel)(
    'puts its funnel records within the time a read allows them to enter Firehose after their `at`',
    () => {
      expect(spec.timeoutSeconds * 1000).toBeLessThanOrEqual(FUNNEL_PUT_WITHIN_MS);
    },
  );

  it('reserves the concurrency the capacity plan gives it', () => {
    expect(prop(fn, 'ReservedConcurrentExecutions')).toBe(spec.reservedConcurrency);
  });

  it('has exactly the environment it needs, as plain variables', () => {
    const environment = environmentOf(name);
    const consumes = EVENT_ROUTES.some((route) => route.function === name);
    const expected = [
      ...COMMON_VARIABLES.filter((variable) => spec.table !== 'none' || variable !== 'TABLE_NAME'),
      ...(consumes ? QUEUE_VARIABLES : []),
      ...spec.secrets.map(secretIdVariable),
      ...(spec.verifiesViewerTokens ? [VIEWER_JWKS_URL_VARIABLE] : []),
      ...(spec.recordsFunnel ? [FUNNEL_STREAM_VARIABLE] : []),
      ...(spec.queriesFunnel
        ? [FUNNEL_WORKGROUP_VARIABLE, FUNNEL_TABLE_VARIABLE, FUNNEL_STREAM_VARIABLE]
        : []),
      ...(spec.queues ?? []).map((use) => use.variable),
    ];
    expect(Object.keys(environment).sort()).toEqual([...new Set(expected)].sort());
    if (spec.table !== 'none') expect(resolve(environment.TABLE_NAME)).toBe('Table');
    expect(resolve(environment.EVENT_BUS_NAME)).toBe('EventBus');
    // The front door (test/cdk/front-door.test.ts).
    expect(resolve(environment.PUBLIC_BASE_URL)).toMatch(/^https:\/\/FrontDoorDistribution\w+\.DomainName$/);
    expect(environment.REELHIRE_STAGE).toBe('dev');
    // A function that reads the funnel names the streams too: it reads their delivery metric.
    if (spec.recordsFunnel || spec.queriesFunnel)
      expect(environment[FUNNEL_STREAM_VARIABLE]).toBe(funnelStreamNameOf('dev'));
    if (spec.queriesFunnel) expect(environment[FUNNEL_TABLE_VARIABLE]).toBe('reelhire_dev_funnel.funnel_log');
    expect(environment.POWERTOOLS_SERVICE_NAME).toBe(name);
    expect(environment.POWERTOOLS_METRICS_NAMESPACE).toBe('ReelHire');
    expect(environment.NODE_OPTIONS).toBe('--enable-source-maps');
    for (const secret of spec.secrets) {
      // The name of the secret in config, never a (partial) ARN, never a value.
      expect(environment[secretIdVariable(secret)]).toBe(
        `reelhire/dev/${secret.toLowerCase().replaceAll('_', '-')}`,
      );
    }
  });

  it('logs to its own log group with a retention', () => {
    const logGroupId = resolve(prop(fn, 'LoggingConfig', 'LogGroup'));
    expect(logGroupId).toBe(logicalIds.functionLogGroup(name));
    expect(prop(resourceOf(stateless, logGroupId, 'AWS::Logs::LogGroup'), 'RetentionInDays')).toBe(30);
  });

  it('is bundled as minified ESM with a source map and the AWS SDK inside', () => {
    const dir = bundleDirOf(name);
    expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
    const bundle = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    // (Assertions on short excerpts: a failure must not print a megabyte of bundle.)
    expect(bundle.slice(0, 200)).toMatch(
      /^import \{ createRequire as (\w+) \} from 'node:module'; const require = \1\(import\.meta\.url\);\n/,
    );
    // Minified: the handler is exported under a mangled name, on one line (`export{Xy as handler}`).
    const exports = bundle.match(/export\{[^}]*\}/g)?.at(-1) ?? 'no export statement';
    expect(exports).toMatch(/(?:^export\{|,)[\w$]{1,4} as handler[,}]/);
    // The SDK is bundled, not imported from the runtime's copy.
    expect(bundle.match(/from\s*["']@aws-sdk\/[^"']*["']/g) ?? []).toEqual([]);
    expect(fn.Metadata?.['aws:asset:property']).toBe('Code');
  });
});

describe('functions', () => {
  it('every function of routing is in the template, and no other', () => {
    const { stateless } = templates();
    const deployed = Object.entries(stateless.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id]) => id)
      .sort();
    expect(deployed).toEqual(FUNCTION_ENTRIES.map(([name]) => logicalIds.function(name)).sort());
  });
});

describe('bundles', () => {
  it.each(FUNCTION_ENTRIES.map(([name]) => name))(
    '%s loads as ESM on plain Node and exports a handler',
    (name) => {
      // Every configured variable gets a harmless stand-in, so module-scope config checks pass without AWS.
      const environment = Object.fromEntries(
        Object.entries(environmentOf(name)).map(([variable, value]) => [
          variable,
          typeof value === 'string' ? value : `stand-in-${variable.toLowerCase()}`,
        ]),
      );
      const script = `const m = await import(${JSON.stringify(pathToFileURL(path.join(bundleDirOf(name), 'index.mjs')).href)}); if (typeof m.handler !== 'function') { console.error('no handler'); process.exit(3); }`;
      const result = spawnSync(
        process.execPath,
        ['--input-type=module', '--enable-source-maps', '-e', script],
        {
          env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', ...environment },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      // (stderr may carry the SDK's notice about this machine's Node version; Lambda runs a newer one.)
      expect(result.status, result.stderr).toBe(0);
    },
  );

  describe('importBundledHandler (for tests that invoke bundles)', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('imports the built handler of a function with the environment set by the test', async () => {
      for (const [variable, value] of Object.entries(environmentOf('linksApi'))) {
        vi.stubEnv(variable, typeof value === 'string' ? value : `stand-in-${variable.toLowerCase()}`);
      }
      vi.stubEnv('AWS_REGION', 'us-east-1');
      const handler = await importBundledHandler('linksApi');
      expect(typeof handler).toBe('function');
    });
  });
});
