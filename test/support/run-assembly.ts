import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/local-stack.ts';
import { synthesized } from './synth.ts';

/**
 * The local runtime on an assembly already synthesized (no synth of its own), on free ports, without the
 * schedules so that a test decides when each function runs; `options` adds to that or overrides it.
 */
export const runAssembly = (assemblyDir: string, options: LocalStackOptions = {}): Promise<LocalStack> =>
  startLocalStack({ assemblyDir, synth: false, port: 0, dynamoPort: 0, schedules: false, ...options });

/** The dev stack that the test setup synthesized, run in this process as `npm start` runs it. */
export const startDevStack = (options: LocalStackOptions = {}): Promise<LocalStack> =>
  runAssembly(synthesized().outdir, { env: { PATH: process.env.PATH }, ...options });
