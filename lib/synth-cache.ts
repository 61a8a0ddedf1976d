import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * When a synth can be skipped, and how processes share one: what the synthesized output depends on, one hash of
 * it, and the lock under which one process synthesizes an output while the others wait and then reuse it.
 * lib/synthesize.ts (the tests' and the bench's in-process synth, cached by hash) and local/synth.ts (npm
 * start's `cdk synth` into cdk.out) both go through it. It imports nothing from aws-cdk-lib: npm start loads it.
 */

/** What the synthesized output depends on: the app, the handlers, the event catalog and the locked dependencies. */
const INPUT_DIRECTORIES = ['bin', 'lib', 'functions', 'events', 'types'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'cdk.json'];
/** The handlers' code: only bundles depend on it. */
const BUNDLED_DIRECTORY = 'functions';
/** Settings read by lib/config.ts; a change to them changes the templates. */
const SETTING_PREFIX = 'REELHIRE_';
const SETTINGS_NOT_FOR_SYNTH = new Set([
  'REELHIRE_DATA_DIR',
  'REELHIRE_MODE',
  'REELHIRE_CDK_OUT',
  'REELHIRE_ALARM_TIME_SCALE',
]);
/** Beside the output: the hash of the inputs it was synthesized from, written once the synth succeeded. */
const HASH_FILE = '.reelhire-synth-hash';
const LOCK_FILE = '.reelhire-synth.lock';
/** How long to wait for another process's synth of the same output before giving up. */
export const SYNTH_WAIT_MS = 600_000;

export interface SynthInputs {
  readonly projectDir: string;
  /** The environment of the synth: its REELHIRE_ settings count. */
  readonly env: NodeJS.ProcessEnv;
  /** What else this kind of synth depends on (an in-process synth's CDK context, …). */
  readonly salt?: unknown;
  /**
   * Whether the functions are bundled. Without bundling the functions' code cannot change the templates: only
   * their file names count. @default true
   */
  readonly bundle?: boolean;
}

const filesUnder = async (projectDir: string, directory: string): Promise<string[]> => {
  const absolute = path.join(projectDir, directory);
  if (!existsSync(absolute)) return [];
  const entries = await readdir(absolute, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(projectDir, path.join(entry.parentPath, entry.name)));
};

/** A hash of every input of the synth, so that an unchanged project reuses its output in milliseconds. */
export const synthInputHash = async ({
  projectDir,
  env,
  salt,
  bundle = true,
}: SynthInputs): Promise<string> => {
  const hash = createHash('sha256');
  const files = [
    ...INPUT_FILES.filter((file) => existsSync(path.join(projectDir, file))),
    ...(await Promise.all(INPUT_DIRECTORIES.map((directory) => filesUnder(projectDir, directory)))).flat(),
  ].sort();
  for (const file of files) {
    hash.update(`\0${file}\0`);
    if (bundle || !file.startsWith(`${BUNDLED_DIRECTORY}${path.sep}`))
      hash.update(await readFile(path.join(projectDir, file)));
  }
  const settings = Object.entries(env)
    .filter(([name]) => name.startsWith(SETTING_PREFIX) && !SETTINGS_NOT_FOR_SYNTH.has(name))
    .sort(([a], [b]) => a.localeCompare(b));
  hash.update(JSON.stringify({ settings, salt, bundle }));
  return hash.digest('hex');
};

export interface SynthOnce {
  readonly outdir: string;
  /** The inputs' hash (synthInputHash): the output is current when it was synthesized from the same. */
  readonly hash: string;
  /** Synthesize even if the output looks current. */
  readonly force?: boolean;
  /** Writes the cloud assembly into `outdir`. */
  readonly synthesize: () => Promise<void>;
}

/**
 * Synthesizes into `outdir` unless it already holds the output of the same inputs. One process at a time
 * synthesizes an output (npm start, the tests, the bench may start together); the others wait for it and reuse
 * what it wrote. A failed or interrupted synth leaves no hash behind, so the next run synthesizes again.
 * @returns false when the existing output was current and reused
 */
export const synthesizeOnce = async ({
  outdir,
  hash,
  force = false,
  synthesize,
}: SynthOnce): Promise<boolean> => {
  const hashFile = path.join(outdir, HASH_FILE);
  const isCurrent = async () =>
    !force &&
    existsSync(path.join(outdir, 'manifest.json')) &&
    (await readFile(hashFile, 'utf8').catch(() => '')) === hash;

  if (await isCurrent()) return false;
  await mkdir(outdir, { recursive: true });
  return withLock(path.join(outdir, LOCK_FILE), async () => {
    // Another process may have synthesized while this one waited for the lock.
    if (await isCurrent()) return false;
    await rm(hashFile, { force: true });
    await synthesize();
    await writeFile(hashFile, hash);
    return true;
  });
};

/** An exclusive lock file holding the owner's pid; a lock left by a process that is gone is taken over. */
const withLock = async <T>(lockFile: string, work: () => Promise<T>): Promise<T> => {
  const giveUpAt = Date.now() + SYNTH_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lockFile, 'utf8').catch(() => ''));
      if (holder > 0 && !isAlive(holder)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > giveUpAt)
        throw new Error(`${lockFile} is held by process ${holder}; remove it if that process is gone`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
