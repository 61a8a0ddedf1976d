import {
  type SystemOptions,
  type SystemUnderTest,
  startSystem,
} from '../../reliability/system-under-test.ts';
import { useShared } from './shared-resource.ts';
import { synthesized } from './synth.ts';

/** The synthesized stack running on this machine under the reliability harness, for the tests of a block. */
export const useSystemUnderTest = (options: Omit<SystemOptions, 'assemblyDir'> = {}): SystemUnderTest =>
  useShared(
    'the system under test',
    () => startSystem({ assemblyDir: synthesized().outdir, ...options }),
    (system) => system.stop(),
  );
