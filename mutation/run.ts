import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIN_SCORE_PERCENT, MUTATION_MODULES, type MutationModule } from './modules.ts';

/**
 * `npm run test:mutation [-- <module name>…]`: Stryker 10 with its vitest runner on each module of
 * mutation/modules.ts against that module's own test files, then one table of the scores. Not part of CI (it
 * takes tens of minutes on two cores). Stryker needs Node ≥ 22: npx fetches the npm package node@22 into its own
 * cache on the first run and Stryker runs on that binary, while the machine's Node (20) runs everything else.
 * Not a devDependency: it would link node_modules/.bin/node, which npm puts first on every script's PATH. The
 * ../shared conformance corpus must sit beside the repo.
 */

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** The Node that runs Stryker, pinned exactly as dependencies are. */
const NODE_22 = 'node@22.23.3';
const STRYKER = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
const REPORTS = join(root, 'reports/mutation');

const slugOf = (module: MutationModule): string => module.name.toLowerCase().replace(/\W+/g, '-');

const configOf = (module: MutationModule) => ({
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'mutation/vitest.config.ts', related: false, pool: 'forks' },
  mutate: module.mutate,
  coverageAnalysis: 'perTest',
  // In place, so that the tests find ../shared as they do in the repo (a sandbox is one folder deeper).
  inPlace: true,
  // Stryker rewrites tsconfig.json with TypeScript's JS API, which TypeScript 7 no longer ships: pointed at a
  // file that does not exist, it leaves the project's alone (the instrumenter parses TypeScript itself).
  tsconfigFile: 'mutation/no-tsconfig-rewrite.json',
  // In place, Stryker would otherwise write a `// @ts-nocheck` into every source file and write each back
  // afterwards, which drops bin/reelhire.js's executable bit; vitest transpiles without type checks anyway.
  disableTypeChecks: false,
  concurrency: 2,
  timeoutMS: 15_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${slugOf(module)}.json` },
  htmlReporter: { fileName: `reports/mutation/${slugOf(module)}.html` },
  thresholds: { high: 95, low: MIN_SCORE_PERCENT, break: null },
});

interface MutantReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly { readonly status: string }[] }>>;
}

/** Stryker's mutation score: detected (killed, timed out) of all valid mutants (those plus survived, no coverage). */
const scoreOf = (report: MutantReport) => {
  const statuses = Object.values(report.files).flatMap((file) => file.mutants.map((mutant) => mutant.status));
  const count = (status: string) => statuses.filter((candidate) => candidate === status).length;
  const detected = count('Killed') + count('Timeout');
  const valid = detected + count('Survived') + count('NoCoverage');
  return {
    detected,
    valid,
    survived: valid - detected,
    percent: valid === 0 ? 100 : (100 * detected) / valid,
  };
};

const wanted = process.argv.slice(2);
const modules = MUTATION_MODULES.filter((module) => wanted.length === 0 || wanted.includes(module.name));
mkdirSync(REPORTS, { recursive: true });
const rows: string[] = [];
let failed = false;
for (const module of modules) {
  const configFile = join(REPORTS, `${slugOf(module)}.stryker.json`);
  writeFileSync(configFile, `${JSON.stringify(configOf(module), null, 2)}\n`);
  console.log(`\n== ${module.name}: ${module.mutate.join(', ')} against ${module.testFiles.join(', ')}`);
  const run = spawnSync('npx', ['--yes', `--package=${NODE_22}`, '--', 'node', STRYKER, 'run', configFile], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MUTATION_TEST_FILES: JSON.stringify(module.testFiles) },
  });
  if (run.status !== 0) {
    rows.push(`| ${module.name} | Stryker failed (exit ${run.status}) | | |`);
    failed = true;
    continue;
  }
  const score = scoreOf(
    JSON.parse(readFileSync(join(REPORTS, `${slugOf(module)}.json`), 'utf8')) as MutantReport,
  );
  const met = score.percent >= MIN_SCORE_PERCENT;
  failed ||= !met;
  rows.push(
    `| ${module.name} | ${score.percent.toFixed(1)} % | ${score.detected} of ${score.valid} (${score.survived} survived) | ${met ? 'yes' : '**no**'} |`,
  );
}
console.log(
  [
    '',
    `| module | mutation score | mutants detected | ≥ ${MIN_SCORE_PERCENT} % |`,
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
process.exit(failed ? 1 : 0);
