import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Two cores in CI: a few files at a time keeps the servers they start responsive.
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
