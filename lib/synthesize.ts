import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.ts';
import { PROJECT_ROOT } from './constructs/reelhire-function.ts';

/** Everything a synth depends on: when none of it changed, the previous assembly is reused. */
const INPUT_DIRS = ['bin', 'lib', 'functions', 'events', 'types'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'cdk.json'];
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
  /** CDK context (stage and settings). @default { stage: 'dev' } */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Environment the config is read from. @default {} (the host's REELHIRE_* variables do not leak in) */
  readonly env?: NodeJS.ProcessEnv;
  /** Where assemblies are kept. @default node_modules/.cache/reelhire-cdk */
  readonly cacheRoot?: string;
}

/**
 * Synthesizes the app in-process (CloudFormation validation off, cdk-nag on) into a directory named by the
 * hash of its inputs, or returns that directory if it already exists. Safe when several processes race: each
 * synthesizes into its own temporary directory and the first rename wins.
 * @returns the assembly directory
 */
export const synthesizeCached = (options: SynthesizeOptions = {}): string => {
  const bundle = options.bundle ?? true;
  const context = { stage: 'dev', ...options.context, ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) };
  const env = options.env ?? {};
  const cacheRoot = options.cacheRoot ?? path.join(PROJECT_ROOT, 'node_modules', '.cache', 'reelhire-cdk');
  const key = inputHash(JSON.stringify({ root: PROJECT_ROOT, context, env }), bundle);
  const outdir = path.join(cacheRoot, key);
  if (existsSync(path.join(outdir, 'manifest.json'))) {
    // Marks it as in use, so that pruning by another process leaves it alone.
    const now = new Date();
    utimesSync(outdir, now, now);
    return outdir;
  }

  mkdirSync(cacheRoot, { recursive: true });
  const staging = path.join(cacheRoot, `.staging-${process.pid}-${Date.now()}`);
  try {
    buildApp({ outdir: staging, context, env, cloudFormationValidation: false }).app.synth();
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  try {
    renameSync(staging, outdir);
  } catch (error) {
    // Another process finished the same assembly first; theirs is identical.
    if (!existsSync(path.join(outdir, 'manifest.json'))) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  pruneStale(cacheRoot, key);
  return outdir;
};

/** Without bundling, the functions' code cannot change the templates: only their file names count. */
const inputHash = (salt: string, bundle: boolean): string => {
  const hash = createHash('sha256').update(salt);
  const files = [
    ...INPUT_FILES.filter((file) => existsSync(path.join(PROJECT_ROOT, file))),
    ...INPUT_DIRS.flatMap((dir) => filesUnder(dir)),
  ].sort();
  for (const file of files) {
    hash.update(`\0${file}\0`);
    if (bundle || !file.startsWith(`functions${path.sep}`))
      hash.update(readFileSync(path.join(PROJECT_ROOT, file)));
  }
  return hash.digest('hex').slice(0, 20);
};

const filesUnder = (dir: string): string[] => {
  const absolute = path.join(PROJECT_ROOT, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(PROJECT_ROOT, path.join(entry.parentPath, entry.name)));
};

/** Drops assemblies (and abandoned staging directories) unused for a while, keeping the most recent few. */
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
