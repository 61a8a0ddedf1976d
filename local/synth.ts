import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';

/** What the synthesized output depends on: the app, the handlers, the event catalog and the locked dependencies. */
const INPUT_DIRECTORIES = ['bin', 'lib', 'functions', 'events', 'types'];
const INPUT_FILES = ['package-lock.json', 'package.json', 'cdk.json', 'tsconfig.json'];
const HASH_FILE = '.reelhire-synth-hash';
const LOCK_FILE = '.reelhire-synth.lock';
/** Settings read by lib/config.ts; a change to them changes the templates. */
const SETTING_PREFIX = 'REELHIRE_';
const SETTINGS_NOT_FOR_SYNTH = new Set(['REELHIRE_DATA_DIR', 'REELHIRE_MODE', 'REELHIRE_CDK_OUT']);
/** How long to wait for another process's synth of the same output before giving up. */
const LOCK_WAIT_MS = 600_000;

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

const filesUnder = async (directory: string): Promise<string[]> => {
  if (!existsSync(directory)) return [];
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
};

/** A hash of every input of the synth, so that an unchanged project reuses its cdk.out in milliseconds. */
export const synthInputHash = async (
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> => {
  const hash = createHash('sha256');
  const files = [
    ...(
      await Promise.all(INPUT_DIRECTORIES.map((directory) => filesUnder(join(projectDir, directory))))
    ).flat(),
    ...INPUT_FILES.map((file) => join(projectDir, file)).filter((file) => existsSync(file)),
  ];
  for (const file of files) {
    hash
      .update(relative(projectDir, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  const settings = Object.entries(env)
    .filter(([name]) => name.startsWith(SETTING_PREFIX) && !SETTINGS_NOT_FOR_SYNTH.has(name))
    .sort(([a], [b]) => a.localeCompare(b));
  hash.update(JSON.stringify(settings));
  return hash.digest('hex');
};

const runCdkSynth = (projectDir: string, outdir: string, env: NodeJS.ProcessEnv): Promise<void> =>
  new Promise((resolve, reject) => {
    const cdk = join(projectDir, 'node_modules', '.bin', 'cdk');
    const child = spawn(cdk, ['synth', '--quiet', '--output', outdir], {
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
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
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

/** An exclusive lock in the output directory, so two processes (npm start and the tests) never synthesize into it at once. */
const withLock = async <T>(lockFile: string, work: () => Promise<T>): Promise<T> => {
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
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

/**
 * Makes sure `outdir` holds the cloud assembly of the current sources: reuses it when the inputs' hash matches
 * the one stored beside it, otherwise runs `cdk synth` (offline: cdk.json turns notices and telemetry off).
 */
export const ensureSynthesized = async (options: SynthOptions): Promise<SynthResult> => {
  const started = performance.now();
  const outdir = options.outdir ?? join(options.projectDir, 'cdk.out');
  const env = options.env ?? process.env;
  const hashFile = join(outdir, HASH_FILE);
  const isCurrent = async (hash: string) =>
    !options.force &&
    existsSync(join(outdir, 'manifest.json')) &&
    (await readFile(hashFile, 'utf8').catch(() => '')) === hash;

  const hash = await synthInputHash(options.projectDir, env);
  if (await isCurrent(hash)) return { outdir, synthesized: false, durationMs: performance.now() - started };
  await mkdir(outdir, { recursive: true });
  return withLock(join(outdir, LOCK_FILE), async () => {
    // Another process may have synthesized while this one waited for the lock.
    if (await isCurrent(hash)) return { outdir, synthesized: false, durationMs: performance.now() - started };
    options.log?.(`Synthesizing the CDK app into ${relative(options.projectDir, outdir) || outdir} …`);
    await rm(hashFile, { force: true });
    await synthWhenFree(options.projectDir, outdir, env, options.log);
    await writeFile(hashFile, hash);
    return { outdir, synthesized: true, durationMs: performance.now() - started };
  });
};
