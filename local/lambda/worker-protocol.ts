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
