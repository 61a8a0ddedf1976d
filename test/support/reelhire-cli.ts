import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from './npm-start.ts';

/** The CLI as a user runs it: `node bin/reelhire.js …` in the project (what `npx reelhire` runs). */
export const REELHIRE_BIN = fileURLToPath(new URL('../../bin/reelhire.js', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Everything the variables of a user's shell could make the CLI do differently: unset unless a test sets it. */
const CLI_VARIABLES = [
  'REELHIRE_URL',
  'PORT',
  'TIKTOK_CLIENT_SECRET',
  'YOUTUBE_HUB_SECRET',
  'CONTRA_WEBHOOK_SECRET',
  'VIEWER_TOKEN_SECRET',
  'EMPLOYER_SIGNING_KEY',
];

export const cliEnv = (env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const base = { ...process.env };
  for (const name of CLI_VARIABLES) delete base[name];
  return { ...base, ...env };
};

/** Runs one command to its end (bounded: a hung command fails the test instead of the suite). */
export const reelhire = (
  args: readonly string[],
  {
    env = {},
    input,
    timeoutMs = 300_000,
  }: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REELHIRE_BIN, ...args], {
      cwd: PROJECT_ROOT,
      env: cliEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`reelhire ${args.join(' ')} did not end within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });

export interface RunningCommand {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Waits (bounded) until the output matches, and returns the match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Ctrl-C, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running command (`employer listen`, a shell script) and captures what it prints. */
export const startCommand = (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): RunningCommand => {
  // Its own process group, so that Ctrl-C reaches every process of it (npx → sh → node), as in a terminal.
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          finish();
          resolve(match);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} in:\n${output}`));
        }, timeoutMs);
        const onExit = () => {
          finish();
          reject(new Error(`the command exited before printing ${pattern}:\n${output}`));
        };
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
        return child.exitCode;
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch (error) {
          // The group is gone already: nothing left to stop.
          if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
        }
      };
      signalGroup('SIGINT');
      // A command that ignores Ctrl-C fails its test, but must not outlive it.
      const killer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
};

/** `reelhire employer listen` on a free port; resolves once it listens, with its URL. */
export const startEmployerListener = async (
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<RunningCommand & { readonly url: string }> => {
  const listener = startCommand(
    process.execPath,
    [REELHIRE_BIN, 'employer', 'listen', '--port', '0', ...args],
    env,
  );
  const [, url = ''] = await listener.waitFor(/Listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
  return Object.assign(listener, { url });
};
