import { defineConfig } from 'vitest/config';
import project from '../vitest.config.ts';

/**
 * The project's test settings for one module's mutation run: only the module's own test files (mutation/run.ts
 * names them in MUTATION_TEST_FILES), and no global setup (they need no synthesized stack, and a cdk synth
 * before each of Stryker's runs would cost minutes). The files are chosen here rather than with Stryker's
 * `testFiles`, which makes Stryker 10 activate static mutants only after their module has loaded, so that every
 * one of them survives (stryker-js issues 6144 and 6209).
 */
const testFiles = JSON.parse(process.env.MUTATION_TEST_FILES ?? '[]') as string[];

export default defineConfig({
  ...project,
  test: {
    ...project.test,
    include: testFiles.length > 0 ? testFiles : project.test?.include,
    globalSetup: [],
  },
});
