import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  FUNNEL_STREAM_VARIABLE,
  FUNNEL_TABLE_VARIABLE,
  FUNNEL_WORKGROUP_VARIABLE,
} from '#funnel/funnel-log.ts';
import { bundledHandlerFileOf, readAssembly } from '../lib/assembly.ts';
import { PROJECT_ROOT } from '../lib/constructs/reelhire-function.ts';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../lib/functions.ts';
import { synthesizeCached } from '../lib/synthesize.ts';
import { median } from './median.ts';

/** A function's bundle size and the time a fresh Node process takes to import it (its cold INIT), median. */
export interface ColdInit {
  readonly function: FunctionName;
  readonly bundleBytes: number;
  readonly bundledInitMs: number;
  /** The same handler, our code compiled but every package loaded from node_modules, unminified. */
  readonly naiveInitMs: number;
  readonly ratio: number;
}

/** What every handler reads at module load; values never reach a network here (import only, no invocation). */
const INIT_ENVIRONMENT: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'bench',
  EVENT_BUS_NAME: 'bench',
  PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
  // Local mode names its hub (npm start runs one); the subscription function wires its client at load.
  YOUTUBE_HUB_URL: 'http://127.0.0.1:8090/subscribe',
  QUEUE_URL: 'http://127.0.0.1:3000/000000000000/bench',
  DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:3000/000000000000/bench-dlq',
  VIEWER_JWKS_URL: 'https://127.0.0.1/.well-known/jwks.json',
  // The funnel log's stream, workgroup and table (recordsFunnel, queriesFunnel).
  [FUNNEL_STREAM_VARIABLE]: 'bench',
  [FUNNEL_WORKGROUP_VARIABLE]: 'bench',
  [FUNNEL_TABLE_VARIABLE]: 'bench.funnel',
  REELHIRE_MODE: 'local',
  POWERTOOLS_DEV: 'false',
  // The other routes' queues some functions use (lib/functions.ts `queues`).
  ...Object.fromEntries(
    (Object.values(FUNCTIONS) as FunctionSpec[]).flatMap((spec) =>
      (spec.queues ?? []).map((use) => [use.variable, 'http://127.0.0.1:3000/000000000000/bench-other']),
    ),
  ),
};

const IMPORT_TIMER =
  'const started = performance.now(); await import(process.argv[1]); ' +
  'process.stdout.write(String(performance.now() - started));';

const importMs = (file: string): number =>
  Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', IMPORT_TIMER, pathToFileURL(file).href], {
      env: INIT_ENVIRONMENT,
      encoding: 'utf8',
    }),
  );

/** The naive build: our own code compiled, every npm package left to Node to load from node_modules. */
const naiveBuild = async (name: FunctionName): Promise<string> => {
  const outfile = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'reelhire-bench', 'naive', `${name}.mjs`);
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    entryPoints: [path.join(PROJECT_ROOT, FUNCTIONS[name].entry)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  return outfile;
};

export const measureColdInit = async (samples = 11): Promise<ColdInit[]> => {
  const assembly = readAssembly(await synthesizeCached());
  const results: ColdInit[] = [];
  for (const name of Object.keys(FUNCTIONS) as FunctionName[]) {
    const bundled = bundledHandlerFileOf(assembly, name);
    const naive = await naiveBuild(name);
    // Interleaved, so a burst of load on the shared machine hits both sides alike.
    const bundledMs: number[] = [];
    const naiveMs: number[] = [];
    for (let sample = 0; sample < samples; sample++) {
      bundledMs.push(importMs(bundled));
      naiveMs.push(importMs(naive));
    }
    const bundledInitMs = median(bundledMs);
    const naiveInitMs = median(naiveMs);
    results.push({
      function: name,
      bundleBytes: statSync(bundled).size,
      bundledInitMs,
      naiveInitMs,
      ratio: bundledInitMs / naiveInitMs,
    });
  }
  return results;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await measureColdInit(Number(process.argv[2] ?? 11)));
}
