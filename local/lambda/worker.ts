import { parentPort, workerData } from 'node:worker_threads';
import type {
  InvocationContextData,
  LambdaErrorPayload,
  RuntimeMessage,
  WorkerMessage,
  WorkerSetup,
} from './worker-protocol.ts';

/*
 * The code of a function's worker thread, like Lambda's Node.js runtime: loads the bundled handler once
 * (INIT), then runs one invocation at a time with a Lambda context. It imports only node: built-ins, because
 * it is compiled on its own and started from a data: URL.
 */

type Handler = (event: unknown, context: unknown) => unknown;

const setup = workerData as WorkerSetup;
const port = parentPort!;
let handler: Promise<Handler> | undefined;
if (setup.sourceMaps) process.setSourceMapsEnabled(true);

const errorPayload = (error: unknown, fallbackType: string): LambdaErrorPayload =>
  error instanceof Error
    ? {
        errorType: error.name && error.name !== 'Error' ? error.name : fallbackType,
        errorMessage: error.message,
        // The runtime's own frames (this data: module) say nothing about the handler.
        stackTrace: (error.stack ?? '')
          .split('\n')
          .slice(1)
          .map((line) => line.trim())
          .filter((line) => !line.includes('data:text/javascript')),
      }
    : { errorType: fallbackType, errorMessage: String(error) };

const loadHandler = async (): Promise<Handler> => {
  let module: Record<string, unknown>;
  try {
    module = (await import(setup.handlerUrl)) as Record<string, unknown>;
  } catch (error) {
    throw Object.assign(new Error(`Error: ${(error as Error).message}`), {
      name: 'Runtime.ImportModuleError',
    });
  }
  const exported = module[setup.handlerExport];
  if (typeof exported !== 'function') {
    throw Object.assign(new Error(`${setup.handlerExport} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
  return exported as Handler;
};

const post = (message: WorkerMessage): void => port.postMessage(message);

const lambdaContext = (data: InvocationContextData) => ({
  ...data,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, data.deadline - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

port.on('message', async (message: RuntimeMessage) => {
  let loaded: Handler;
  try {
    handler ??= loadHandler();
    loaded = await handler;
  } catch (error) {
    post({ type: 'init-failed', error: errorPayload(error, 'Runtime.ImportModuleError') });
    return;
  }
  if (message.type === 'init') {
    post({ type: 'initialized' });
    return;
  }
  let reply: WorkerMessage;
  try {
    const value = await loaded(message.event, lambdaContext(message.context));
    // Lambda returns the JSON serialization of the result, whatever object it was.
    reply = { type: 'result', value: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
  } catch (error) {
    reply = { type: 'error', error: errorPayload(error, 'Error') };
  }
  // Behind every line the invocation wrote on each stream: the runtime knows its logs are all in.
  process.stdout.write(`${setup.endMarker}\n`);
  process.stderr.write(`${setup.endMarker}\n`);
  post(reply);
});
