import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../../local/local-stack.ts';
import { synthesized } from '../../support/synth.ts';

/**
 * The dev stack that the test setup synthesized, run in this process as `npm start` runs it (on free ports, no
 * synth, schedules only when a test fires them), with whatever else a test needs.
 */
export const startDevStack = (options: LocalStackOptions = {}): Promise<LocalStack> =>
  startLocalStack({
    assemblyDir: synthesized().outdir,
    synth: false,
    port: 0,
    dynamoPort: 0,
    schedules: false,
    env: { PATH: process.env.PATH },
    ...options,
  });
