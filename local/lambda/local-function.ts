import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ActivityLog, InvocationOutcome, InvocationTrigger } from '../activity-log.ts';
import { LambdaWorker, type LogSink, type WorkerReply } from './lambda-worker.ts';
import { INVOCATION_END_MARKER, type LambdaErrorPayload } from './worker-protocol.ts';

/** A function as the template defines it, with its bundle located and its environment resolved. */
export interface FunctionDefinition {
  readonly name: string;
  readonly arn: string;
  readonly logicalId: string;
  /** file: URL of the bundled module (`index.mjs` for Handler `index.handler`). */
  readonly handlerUrl: string;
  readonly handlerExport: string;
  readonly sourceMaps: boolean;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Execution environments (worker threads) at most: more invocations wait for one. */
  readonly maxConcurrency: number;
  /**
   * ReservedConcurrentExecutions: invocations under way at most; one more is throttled at once, as Lambda
   * throttles it. @default no limit of its own
   */
  readonly reservedConcurrency?: number;
}

export type InvocationResult =
  | { readonly ok: true; readonly requestId: string; readonly value: unknown }
  | {
      readonly ok: false;
      readonly requestId: string;
      readonly outcome: Exclude<InvocationOutcome, 'succeeded'>;
      readonly error: LambdaErrorPayload;
    };

/** Where a function's stdout and stderr lines go, with the invocation that wrote them when one did. */
export type FunctionLogSink = (
  functionName: string,
  line: string,
  stream: 'stdout' | 'stderr',
  requestId?: string,
) => void;

export interface LocalFunctionOptions {
  readonly moduleUrl: URL;
  readonly activity: ActivityLog;
  readonly onLog: FunctionLogSink;
}

/** Lambda gives INIT its own 10 s on top of the function's timeout. */
const INIT_TIMEOUT_MS = 10_000;

export class FunctionStoppedError extends Error {
  override readonly name = 'FunctionStoppedError';
}

/**
 * A Lambda function on this machine: a pool of worker threads (execution environments) created on demand up
 * to maxConcurrency, each running the bundled handler one invocation at a time with a Lambda-like context.
 */
export class LocalFunction {
  private readonly idle: LambdaWorker[] = [];
  private readonly workers = new Set<LambdaWorker>();
  private readonly waiting: ((worker: LambdaWorker | undefined) => void)[] = [];
  private stopped = false;
  /** Workers being ended after a crash or timeout; stop() waits for them. */
  private readonly reaping = new Set<Promise<void>>();
  /** Workers inside an invocation. */
  private readonly busy = new Set<LambdaWorker>();

  /** The code environments load from now on; each environment keeps the code it started with. */
  private current: FunctionDefinition;
  private readonly codeOf = new WeakMap<LambdaWorker, FunctionDefinition>();

  constructor(
    definition: FunctionDefinition,
    private readonly options: LocalFunctionOptions,
  ) {
    this.current = definition;
  }

  get definition(): FunctionDefinition {
    return this.current;
  }

  /**
   * Swaps the function's code (the hot reload): idle environments end now, busy ones once their invocation is
   * done (it finishes on the old code), and every invocation from now on runs in an environment of the new code.
   * Returns the INIT error of the new code, if any.
   */
  async replaceCode(
    code: Pick<FunctionDefinition, 'handlerUrl' | 'sourceMaps'>,
  ): Promise<LambdaErrorPayload | undefined> {
    this.current = { ...this.current, ...code };
    for (const worker of this.idle.splice(0)) {
      this.workers.delete(worker);
      this.reap(worker);
    }
    return this.warm();
  }

  get name(): string {
    return this.definition.name;
  }

  /** Execution environments alive now, idle or busy. */
  get environments(): number {
    return this.workers.size;
  }

  /** Invocations under way. */
  get running(): number {
    return this.busy.size;
  }

  /** Invocations accepted and not finished: running, or waiting for an environment. Lambda's concurrency. */
  private inFlight = 0;

  get concurrentExecutions(): number {
    return this.inFlight;
  }

  /**
   * Ends every execution environment that is inside an invocation now, as a process that exits mid-invocation
   * would (out of memory, a crash): each of those invocations fails with Runtime.ExitError, and the pool starts
   * fresh environments for what comes next. Returns how many invocations were cut short (an environment taken
   * for an invocation that has already answered is ended too, and cuts none). For fault-injection tests.
   */
  async crashRunning(): Promise<number> {
    const interrupted = await Promise.all([...this.busy].map((worker) => worker.kill()));
    return interrupted.filter(Boolean).length;
  }

  /** A warm-up under way: the first invocations wait for it rather than start a second cold environment. */
  private warming: Promise<LambdaErrorPayload | undefined> | undefined;

  /** Loads the handler in one execution environment ahead of the first request; returns the INIT error if any. */
  warm(): Promise<LambdaErrorPayload | undefined> {
    this.warming ??= this.initialize().finally(() => {
      this.warming = undefined;
    });
    return this.warming;
  }

  private async initialize(): Promise<LambdaErrorPayload | undefined> {
    const worker = await this.acquire();
    const started = performance.now();
    const reply = worker.initialized
      ? ({ type: 'initialized' } as const)
      : await worker.run({ type: 'init' }, INIT_TIMEOUT_MS);
    this.release(worker);
    if (reply.type === 'initialized') return undefined;
    const error = this.errorOf(reply);
    this.options.activity.invocation({
      functionName: this.name,
      requestId: 'init',
      trigger: 'warm-up',
      durationMs: Math.round(performance.now() - started),
      coldStart: true,
      outcome: reply.type === 'timed-out' ? 'timed-out' : 'failed',
      error: `${error.errorType}: ${error.errorMessage}`,
    });
    return error;
  }

  async invoke(event: unknown, trigger: InvocationTrigger): Promise<InvocationResult> {
    const { reservedConcurrency } = this.definition;
    if (reservedConcurrency !== undefined && this.inFlight >= reservedConcurrency)
      return this.throttle(trigger);
    this.inFlight += 1;
    try {
      return await this.run(event, trigger);
    } finally {
      this.inFlight -= 1;
    }
  }

  private throttle(trigger: InvocationTrigger): InvocationResult {
    const requestId = randomUUID();
    const error = { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' };
    this.options.activity.invocation({
      functionName: this.name,
      requestId,
      trigger,
      durationMs: 0,
      coldStart: false,
      outcome: 'throttled',
      error: `${error.errorType}: ${error.errorMessage}`,
    });
    return { ok: false, requestId, outcome: 'throttled', error };
  }

  private async run(event: unknown, trigger: InvocationTrigger): Promise<InvocationResult> {
    if (this.warming) await this.warming;
    const worker = await this.acquire();
    const requestId = randomUUID();
    const coldStart = !worker.initialized;
    const { definition } = this;
    const timeoutMs = definition.timeoutSeconds * 1000;
    const started = performance.now();
    // run() settles, never rejects: a crash or a timeout is a reply.
    this.busy.add(worker);
    const reply = await worker.run(
      {
        type: 'invoke',
        event,
        context: {
          functionName: definition.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: definition.arn,
          memoryLimitInMB: String(definition.memoryMb),
          awsRequestId: requestId,
          logGroupName: `/aws/lambda/${definition.name}`,
          logStreamName: `local/${definition.name}`,
          deadline: Date.now() + timeoutMs,
        },
      },
      timeoutMs + (coldStart ? INIT_TIMEOUT_MS : 0),
    );
    this.busy.delete(worker);
    this.release(worker);
    const result = this.resultOf(reply, requestId);
    this.options.activity.invocation({
      functionName: definition.name,
      requestId,
      trigger,
      durationMs: Math.round(performance.now() - started),
      coldStart,
      outcome: result.ok ? 'succeeded' : result.outcome,
      ...(result.ok ? {} : { error: `${result.error.errorType}: ${result.error.errorMessage}` }),
    });
    return result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
    await Promise.all([...[...this.workers].map((worker) => worker.terminate()), ...this.reaping]);
    this.workers.clear();
    this.idle.length = 0;
  }

  private resultOf(reply: WorkerReply, requestId: string): InvocationResult {
    if (reply.type === 'result') return { ok: true, requestId, value: reply.value };
    const outcome =
      reply.type === 'timed-out' ? 'timed-out' : reply.type === 'crashed' ? 'crashed' : 'failed';
    return { ok: false, requestId, outcome, error: this.errorOf(reply, requestId) };
  }

  private errorOf(reply: WorkerReply, requestId = 'init'): LambdaErrorPayload {
    switch (reply.type) {
      case 'timed-out':
        return {
          errorType: 'Sandbox.Timedout',
          errorMessage: `${requestId} Task timed out after ${this.definition.timeoutSeconds.toFixed(2)} seconds`,
        };
      case 'crashed':
      case 'error':
      case 'init-failed':
        return reply.error;
      default:
        return { errorType: 'Runtime.Unknown', errorMessage: `unexpected reply ${reply.type}` };
    }
  }

  private async acquire(): Promise<LambdaWorker> {
    if (this.stopped) throw new FunctionStoppedError(`${this.name} is stopped`);
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.workers.size < this.definition.maxConcurrency) return this.spawn();
    const worker = await new Promise<LambdaWorker | undefined>((resolve) => this.waiting.push(resolve));
    if (!worker) throw new FunctionStoppedError(`${this.name} is stopped`);
    return worker;
  }

  private spawn(): LambdaWorker {
    const code = this.definition;
    const worker = new LambdaWorker({
      moduleUrl: this.options.moduleUrl,
      setup: {
        handlerUrl: code.handlerUrl,
        handlerExport: code.handlerExport,
        sourceMaps: code.sourceMaps,
        endMarker: INVOCATION_END_MARKER,
      },
      environment: this.definition.environment,
      memoryMb: this.definition.memoryMb,
      onLog: ((line, stream, requestId) =>
        this.options.onLog(this.name, line, stream, requestId)) satisfies LogSink,
    });
    this.workers.add(worker);
    this.codeOf.set(worker, code);
    return worker;
  }

  /**
   * Returns a worker to the pool; a dead one, or one of replaced code, is replaced by a fresh environment for
   * whoever waits.
   */
  private release(worker: LambdaWorker): void {
    if (worker.dead || this.codeOf.get(worker) !== this.current) {
      this.workers.delete(worker);
      this.reap(worker);
      const waiter = this.waiting.shift();
      if (waiter) waiter(this.stopped ? undefined : this.spawn());
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter(worker);
    else this.idle.push(worker);
  }

  private reap(worker: LambdaWorker): void {
    const done = worker.terminate().finally(() => this.reaping.delete(done));
    this.reaping.add(done);
  }
}
