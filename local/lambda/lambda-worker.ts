import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { lambdaHeapLimits } from './heap-limits.ts';
import type { LambdaErrorPayload, RuntimeMessage, WorkerMessage, WorkerSetup } from './worker-protocol.ts';

/** How long a result waits for its invocation's last log lines at most. */
const LOG_DRAIN_MS = 2_000;

export type WorkerReply =
  | WorkerMessage
  | { readonly type: 'crashed'; readonly error: LambdaErrorPayload }
  | { readonly type: 'timed-out' };

/** requestId: the invocation the environment runs, or ran last (a line may arrive just after its result). */
export type LogSink = (line: string, stream: 'stdout' | 'stderr', requestId: string | undefined) => void;

export interface WorkerOptions {
  readonly moduleUrl: URL;
  readonly setup: WorkerSetup;
  readonly environment: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  readonly onLog: LogSink;
}

/**
 * One execution environment of a function: a worker thread with its own process.env and memory limit. It
 * runs one message at a time; a crash (process.exit, an uncaught error, out of memory) or a timeout ends it,
 * and the pool replaces it.
 */
export class LambdaWorker {
  initialized = false;
  dead = false;
  /** The invocation under way or, between invocations, the last one: its log lines are attributed to it. */
  private requestId: string | undefined;
  /** End markers (one a stream) still to read for the invocation under way, and who waits for them. */
  private markersDue = 0;
  private drained: (() => void) | undefined;
  private readonly worker: Worker;
  private settle: ((reply: WorkerReply) => void) | undefined;
  /** Whether the message awaiting its reply is an invocation (not the INIT of a warm-up). */
  private invoking = false;
  /** Set once the thread is being ended; terminate() awaits it, so a timed-out worker is always reaped. */
  private ending: Promise<number> | undefined;

  constructor(options: WorkerOptions) {
    this.worker = new Worker(options.moduleUrl, {
      workerData: options.setup,
      env: { ...options.environment },
      // The parent's flags (tsx's loader, vitest's) have no business in a function's runtime.
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: lambdaHeapLimits(options.memoryMb),
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: this.worker[stream], crlfDelay: Number.POSITIVE_INFINITY }).on(
        'line',
        (line) => {
          if (line !== options.setup.endMarker) options.onLog(line, stream, this.requestId);
          else if (--this.markersDue === 0) this.drained?.();
        },
      );
    }
    this.worker.on('message', (message: WorkerMessage) => {
      // Any reply but an INIT failure means the handler module is loaded.
      if (message.type !== 'init-failed') this.initialized = true;
      if (message.type === 'init-failed') this.dead = true;
      this.finish(message);
    });
    this.worker.on('error', (error) => {
      this.dead = true;
      this.finish({
        type: 'crashed',
        error: { errorType: 'Runtime.UncaughtError', errorMessage: error.message },
      });
    });
    this.worker.on('exit', (code) => {
      this.dead = true;
      this.finish({
        type: 'crashed',
        error: {
          errorType: 'Runtime.ExitError',
          errorMessage: `Runtime exited with error: exit status ${code}`,
        },
      });
    });
  }

  /** Sends one message and waits for its reply, ending the worker if it takes longer than timeoutMs. */
  run(message: RuntimeMessage, timeoutMs: number): Promise<WorkerReply> {
    if (this.settle) throw new Error('a worker runs one invocation at a time');
    if (this.dead) {
      return Promise.resolve({
        type: 'crashed',
        error: { errorType: 'Runtime.ExitError', errorMessage: 'the execution environment has ended' },
      });
    }
    this.invoking = message.type === 'invoke';
    if (message.type === 'invoke') {
      this.requestId = message.context.awsRequestId;
      this.markersDue = 2;
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.dead = true;
        this.ending ??= this.worker.terminate();
        this.finish({ type: 'timed-out' });
      }, timeoutMs);
      this.settle = (reply) => {
        clearTimeout(timer);
        if (reply.type === 'result' || reply.type === 'error') this.afterLogs(() => resolve(reply));
        else resolve(reply);
      };
      this.worker.postMessage(message);
    });
  }

  /**
   * Calls `then` once the invocation's lines are all read (its end marker seen on both streams), so that its
   * logs are complete when its result is; a stream that says nothing for LOG_DRAIN_MS is not waited for.
   */
  private afterLogs(then: () => void): void {
    if (this.markersDue <= 0) {
      then();
      return;
    }
    const cap = setTimeout(() => {
      this.drained = undefined;
      then();
    }, LOG_DRAIN_MS);
    this.drained = () => {
      clearTimeout(cap);
      this.drained = undefined;
      then();
    };
  }

  /**
   * Ends the environment as a killed process: the invocation under way fails with Runtime.ExitError now, even
   * when its reply is already on its way (a process killed before the runtime reported its result). Says
   * whether it cut an invocation short (an environment between invocations, or one whose invocation has
   * already answered, loses none).
   */
  async kill(): Promise<boolean> {
    const interrupted = this.settle !== undefined && this.invoking;
    this.dead = true;
    this.finish({
      type: 'crashed',
      error: { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited with error: signal: killed' },
    });
    await this.terminate();
    return interrupted;
  }

  async terminate(): Promise<void> {
    this.dead = true;
    this.ending ??= this.worker.terminate();
    await this.ending;
  }

  private finish(reply: WorkerReply): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.(reply);
  }
}
