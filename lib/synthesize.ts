import { readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.ts';
import { LOCAL_SYNTH_CONTEXT } from './config.ts';
import { PROJECT_ROOT } from './constructs/reelhire-function.ts';
import { synthesizeOnce, synthInputHash } from './synth-cache.ts';

/** Assemblies unused this long are deleted, except the most recent few. */
const STALE_AFTER_MS = 10 * 60_000;
const KEEP_RECENT = 4;

export interface SynthesizeOptions {
  /**
   * Bundle the functions. Without bundling the synth takes a couple of seconds and does not depend on the
   * functions' code, but `aws:asset:path` then points at the project root instead of a bundle.
   * @default true
   */
  readonly bundle?: boolean;
  /** CDK context (stage and settings). @default { stage: 'dev' }, marked as a local synth (LOCAL_SYNTH_CONTEXT) */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Environment the config is read from. @default {} (the host's REELHIRE_* variables do not leak in) */
  readonly env?: NodeJS.ProcessEnv;
  /** Where assemblies are kept. @default node_modules/.cache/reelhire-cdk */
  readonly cacheRoot?: string;
}

/**
 * Synthesizes the app in-process (CloudFormation validation off, cdk-nag on) into a directory named by the
 * hash of its inputs, or returns that directory if it already holds their assembly. Safe when several
 * processes race: one synthesizes, the others wait for it (lib/synth-cache.ts).
 * @returns the assembly directory
 */
export const synthesizeCached = async (options: SynthesizeOptions = {}): Promise<string> => {
  const bundle = options.bundle ?? true;
  // What this synthesizes runs locally (the tests' and the bench's local stacks), never deploys.
  const context = {
    stage: 'dev',
    [LOCAL_SYNTH_CONTEXT]: true,
    ...options.context,
    ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
  };
  const env = options.env ?? {};
  const cacheRoot = options.cacheRoot ?? path.join(PROJECT_ROOT, 'node_modules', '.cache', 'reelhire-cdk');
  const hash = await synthInputHash({
    projectDir: PROJECT_ROOT,
    env,
    salt: { root: PROJECT_ROOT, context },
    bundle,
  });
  const key = hash.slice(0, 20);
  const outdir = path.join(cacheRoot, key);
  const synthesized = await synthesizeOnce({
    outdir,
    hash,
    synthesize: async () => {
      buildApp({ outdir, context, env, cloudFormationValidation: false }).app.synth();
    },
  });
  if (synthesized) {
    pruneStale(cacheRoot, key);
  } else {
    // Marks it as in use, so that pruning by another process leaves it alone.
    const now = new Date();
    utimesSync(outdir, now, now);
  }
  return outdir;
};

/** Drops assemblies unused for a while, keeping the most recent few. */
const pruneStale = (cacheRoot: string, keep: string): void => {
  const now = Date.now();
  const entries = readdirSync(cacheRoot)
    .filter((entry) => entry !== keep)
    .map((entry) => ({
      entryPath: path.join(cacheRoot, entry),
      usedAt: statSync(path.join(cacheRoot, entry)).mtimeMs,
    }))
    .sort((a, b) => b.usedAt - a.usedAt);
  for (const { entryPath, usedAt } of entries.slice(KEEP_RECENT - 1)) {
    if (now - usedAt > STALE_AFTER_MS) rmSync(entryPath, { recursive: true, force: true });
  }
};
