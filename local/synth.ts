import { spawn } from 'node:child_process';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LOCAL_SYNTH_CONTEXT } from '../lib/config.ts';
import { SYNTH_WAIT_MS, synthesizeOnce, synthInputHash } from '../lib/synth-cache.ts';

export interface SynthOptions {
  readonly projectDir: string;
  /** @default <projectDir>/cdk.out */
  readonly outdir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** Synthesize even if the output looks current. */
  readonly force?: boolean;
}

export interface SynthResult {
  readonly outdir: string;
  /** False when the existing output was current and reused. */
  readonly synthesized: boolean;
  readonly durationMs: number;
}

const runCdkSynth = (projectDir: string, outdir: string, env: NodeJS.ProcessEnv): Promise<void> =>
  new Promise((resolve, reject) => {
    const cdk = join(projectDir, 'node_modules', '.bin', 'cdk');
    // Marked local: the config lets settings that only a deploy needs (the JWKS url, secret names) default.
    const child = spawn(cdk, ['synth', '--quiet', '--output', outdir, '-c', `${LOCAL_SYNTH_CONTEXT}=true`], {
      cwd: projectDir,
      env,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    const errors: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`cdk synth failed (exit ${code}):\n${Buffer.concat(errors).toString('utf8').trim()}`),
          ),
    );
  });

/** The CDK CLI's own lock: another `cdk` command (not a ReelHire runtime) is writing the same output. */
const OTHER_CLI_SYNTHING = /Another CLI .* is currently synthing/;

/** Runs the synth, waiting for another CDK CLI that holds the output (`npx cdk synth` in another terminal). */
const synthWhenFree = async (
  projectDir: string,
  outdir: string,
  env: NodeJS.ProcessEnv,
  log: ((line: string) => void) | undefined,
): Promise<void> => {
  const giveUpAt = Date.now() + SYNTH_WAIT_MS;
  for (let wait = 1_000; ; wait = Math.min(wait * 2, 10_000)) {
    try {
      await runCdkSynth(projectDir, outdir, env);
      return;
    } catch (error) {
      if (!OTHER_CLI_SYNTHING.test(String(error)) || Date.now() + wait > giveUpAt) throw error;
      log?.('Another CDK command is writing the same output; waiting for it …');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
};

/**
 * Makes sure `outdir` holds the cloud assembly of the current sources, as `cdk synth` writes it: reuses it when
 * it was synthesized from the same inputs (lib/synth-cache.ts), otherwise runs `cdk synth` (offline: cdk.json
 * turns notices and telemetry off).
 */
export const ensureSynthesized = async (options: SynthOptions): Promise<SynthResult> => {
  const started = performance.now();
  const { projectDir, log } = options;
  const outdir = options.outdir ?? join(projectDir, 'cdk.out');
  const env = options.env ?? process.env;
  const synthesized = await synthesizeOnce({
    outdir,
    hash: await synthInputHash({ projectDir, env, salt: { [LOCAL_SYNTH_CONTEXT]: true } }),
    force: options.force ?? false,
    synthesize: async () => {
      log?.(`Synthesizing the CDK app into ${relative(projectDir, outdir) || outdir} …`);
      await synthWhenFree(projectDir, outdir, env, log);
    },
  });
  return { outdir, synthesized, durationMs: performance.now() - started };
};
