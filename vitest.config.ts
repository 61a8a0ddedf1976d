import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Bounds, not targets: tests wait on state, so a bound costs time only when a test fails. The machine is two
    // cores shared with other processes (loads of 8 per core have been seen), which can slow a flow tenfold.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    // Two cores in CI: a few files at a time keeps the servers they start responsive.
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
    env: {
      // The SDK warns that releases after January 2027 need Node 22; the functions run on Node 24 in the cloud
      // and the warning would otherwise repeat in every test process.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Handler code run inside a test process has no metrics namespace; its EMF lines are noise there. The
      // local Lambda environments get the template's variables, so their metrics are unaffected.
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
  },
});
