import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/local-stack.ts';

/**
 * The local runtime on an assembly already synthesized (no synth of its own), on free ports, without the
 * schedules so that a test decides when each function runs; `options` adds to that or overrides it.
 */
export const runAssembly = (assemblyDir: string, options: LocalStackOptions = {}): Promise<LocalStack> =>
  startLocalStack({ assemblyDir, synth: false, port: 0, dynamoPort: 0, schedules: false, ...options });
