import { join } from 'node:path';
import { readCloudAssembly, type StackArtifact } from '../../lib/assembly.ts';
import { ensureSynthesized, type SynthResult } from '../synth.ts';

export interface CloudAssemblyInput {
  readonly projectDir: string;
  /** The cloud assembly to run. @default <projectDir>/cdk.out */
  readonly assemblyDir: string | undefined;
  /** Synthesize first unless the assembly is current. */
  readonly synth: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

export interface LoadedCloudAssembly {
  readonly assemblyDir: string;
  readonly stacks: readonly StackArtifact[];
  /** Undefined when the synth was skipped. */
  readonly synth: SynthResult | undefined;
}

/** The stacks to run, synthesized first unless told otherwise or the assembly is current. */
export const loadCloudAssembly = async (input: CloudAssemblyInput): Promise<LoadedCloudAssembly> => {
  const synth = input.synth
    ? await ensureSynthesized({
        projectDir: input.projectDir,
        ...(input.assemblyDir ? { outdir: input.assemblyDir } : {}),
        env: input.env,
        log: input.log,
      })
    : undefined;
  const assemblyDir = input.assemblyDir ?? synth?.outdir ?? join(input.projectDir, 'cdk.out');
  return { assemblyDir, stacks: readCloudAssembly(assemblyDir), synth };
};
