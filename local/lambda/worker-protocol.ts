/** Messages between the runtime and a function's worker thread. */

/** The Lambda context's data; the worker adds getRemainingTimeInMillis. */
export interface InvocationContextData {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Epoch ms at which the invocation times out. */
  readonly deadline: number;
}

export interface WorkerSetup {
  /** file: URL of the bundled handler module. */
  readonly handlerUrl: string;
  readonly handlerExport: string;
  /** The template's NODE_OPTIONS asked for --enable-source-maps (stack traces in TypeScript terms). */
  readonly sourceMaps: boolean;
  /** INVOCATION_END_MARKER, handed over because the worker imports no module of ours. */
  readonly endMarker: string;
}

export type RuntimeMessage =
  | { readonly type: 'init' }
  | { readonly type: 'invoke'; readonly event: unknown; readonly context: InvocationContextData };

export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: readonly string[];
}

export type WorkerMessage =
  | { readonly type: 'initialized' }
  /** The handler could not be loaded: the worker is of no further use. */
  | { readonly type: 'init-failed'; readonly error: LambdaErrorPayload }
  | { readonly type: 'result'; readonly value: unknown }
  | { readonly type: 'error'; readonly error: LambdaErrorPayload };

/**
 * Written by the worker to stdout and stderr after each invocation, before its reply: once the runtime has read
 * it on both streams, every line of that invocation is in, so its logs are complete when its result is. Never
 * shown as a log line.
 */
export const INVOCATION_END_MARKER = '\u0000reelhire:invocation-end';
