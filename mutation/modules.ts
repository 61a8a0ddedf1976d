/**
 * The modules `npm run test:mutation` mutates (issue #20, finding 5), each against its own test files only: a
 * mutant that survives them is a behaviour no test of the module pins down.
 */
export interface MutationModule {
  /** What the module decides, in the report. */
  readonly name: string;
  readonly mutate: readonly string[];
  readonly testFiles: readonly string[];
}

export const MUTATION_MODULES: readonly MutationModule[] = [
  {
    name: 'link rule',
    mutate: ['functions/commons/links/links.ts'],
    testFiles: ['test/domain/links.test.ts'],
  },
  {
    name: 'TikTok and signature parsing',
    mutate: ['functions/commons/webhooks/tiktok.ts', 'functions/commons/webhooks/signatures.ts'],
    testFiles: ['test/webhooks/tiktok.test.ts', 'test/webhooks/signatures.test.ts'],
  },
  {
    name: 'SSRF guard',
    mutate: ['functions/commons/notify/ssrf.ts', 'functions/commons/notify/ip-address.ts'],
    testFiles: ['test/notify/ssrf.test.ts'],
  },
  {
    name: 'viewer token',
    mutate: ['functions/commons/apply/viewer-token.ts'],
    testFiles: ['test/apply/viewer-token.test.ts'],
  },
  {
    name: 'EventBridge matcher',
    mutate: ['local/eventbridge/pattern/*.ts'],
    testFiles: ['test/local/eventbridge-patterns.test.ts', 'test/local/eventbridge-conformance.test.ts'],
  },
];

/** Below this a module fails the run (the bar). */
export const MIN_SCORE_PERCENT = 90;
