import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A port that is free right now: bound to port 0 by the OS, then released for the child to take. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/** True when something accepts connections on the port. */
export const isListening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });

export interface RunningNpmStart {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly child: ChildProcess;
  /** Everything the command printed so far. */
  output(): string;
  /** Sends a signal to `npm start` as a terminal would to its foreground job, and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `npm start` in the project as a user would, on the given ports, and waits for its ready line.
 * The child leads its own process group, so the signal reaches npm, tsx and the runtime together, as Ctrl-C does.
 */
export const startNpmStart = async (
  env: NodeJS.ProcessEnv,
  {
    readyTimeoutMs = 600_000,
    args = [],
    cwd = PROJECT_ROOT,
  }: { readonly readyTimeoutMs?: number; readonly args?: readonly string[]; readonly cwd?: string } = {},
): Promise<RunningNpmStart> => {
  const child = spawn('npm', ['start', ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start was not ready in ${readyTimeoutMs} ms:\n${output}`)),
      readyTimeoutMs,
    );
    const check = () => {
      const url = /ReelHire is ready on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code} before it was ready:\n${output}`));
    });
  });
  const dynamoEndpoint = /DynamoDB\s+(http:\/\/\S+)/.exec(output)?.[1] ?? '';
  return {
    url: ready,
    dynamoEndpoint,
    child,
    output: () => output,
    async stop(signal = 'SIGINT') {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
        return child.exitCode;
      try {
        process.kill(-child.pid, signal);
      } catch (error) {
        // The group is already gone: nothing left to stop.
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      return exited;
    },
  };
};

/**
 * The process that runs the stack (local/start.ts) under a running `npm start`: the innermost process of its group
 * that runs that file, below npm, its shell and any wrapper.
 */
export const runtimeProcessOf = (run: RunningNpmStart): number => {
  const group = run.child.pid;
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, pid, ppid, pgid, args]) => ({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), args }))
    .filter((row) => row.pgid === group && row.args?.includes('local/start.ts'));
  const innermost = rows.filter((row) => !rows.some((other) => other.ppid === row.pid));
  if (innermost.length !== 1 || !innermost[0])
    throw new Error(
      `expected one runtime process in npm start's group ${group}, found ${JSON.stringify(rows)}`,
    );
  return innermost[0].pid;
};
