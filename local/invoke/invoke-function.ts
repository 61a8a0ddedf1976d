import type { IncomingMessage } from 'node:http';
import { isJsonObject } from '#shared/json.ts';
import { problemReply } from '../http/local-http-server.ts';
import type { HttpReply } from '../http/payload-v2.ts';
import type { InvocationResult, LocalFunction } from '../lambda/local-function.ts';
import { type FunctionLogRecord, type FunctionLogs, shortNameOf } from '../logs/function-logs.ts';
import { type InvocationTarget, samplesFor } from './sample-events.ts';

/**
 * One invocation of one function, as `sam local invoke` does it: the function's bundle in its execution
 * environment (its role's credentials, the stack's endpoints), one event (given, or a sample its trigger would
 * send), its result and the log lines it wrote. Used by `POST /_local/invoke` of a running stack and by
 * `reelhire invoke`'s embedded stack alike.
 */

export interface InvokeRequest {
  /** Short name (its key in lib/functions.ts). */
  readonly function: string;
  /** The event as given (a file's JSON); else `sample`. */
  readonly event?: unknown;
  /** A sample name; the function's first sample when neither is given. */
  readonly sample?: string;
}

export type InvokeOutcome = InvocationResult & {
  readonly function: string;
  readonly sample: string | undefined;
  readonly logs: readonly FunctionLogRecord[];
};

export interface InvokeContext extends Omit<InvocationTarget, 'shortName' | 'routes'> {
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly routes: InvocationTarget['routes'];
  readonly logs: FunctionLogs;
}

/** The request names no function, or no sample of it: the message lists what there is. */
export class InvokeRequestError extends Error {
  override readonly name = 'InvokeRequestError';
  constructor(
    message: string,
    readonly status: 400 | 404,
  ) {
    super(message);
  }
}

export const invokeFunction = async (
  context: InvokeContext,
  request: InvokeRequest,
): Promise<InvokeOutcome> => {
  const byShortName = new Map([...context.functions.values()].map((fn) => [shortNameOf(fn.definition), fn]));
  const fn = byShortName.get(request.function);
  if (!fn) {
    throw new InvokeRequestError(
      `no function "${request.function}"; the stack's functions: ${[...byShortName.keys()].join(', ')}`,
      404,
    );
  }
  let sample: string | undefined;
  let event: unknown = request.event;
  if (event === undefined) {
    const samples = samplesFor({
      ...context,
      shortName: request.function,
      routes: context.routes.filter((route) => route.functionName === fn.name),
    });
    const chosen =
      request.sample === undefined
        ? samples[0]
        : samples.find((candidate) => candidate.name === request.sample);
    if (!chosen) {
      throw new InvokeRequestError(
        samples.length === 0
          ? `${request.function} has no sample event; give one with --event <file>`
          : `no sample "${request.sample}" for ${request.function}; its samples: ${samples.map((candidate) => candidate.name).join(', ')}`,
        400,
      );
    }
    sample = chosen.name;
    event = chosen.event();
  }
  const result = await fn.invoke(event, 'invoke');
  // The worker's end markers are read before its result is handed back: these are all of its lines.
  return {
    ...result,
    function: request.function,
    sample,
    logs: context.logs.query({ requestId: result.requestId }),
  };
};

const json = (status: number, value: unknown): HttpReply => ({
  statusCode: status,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify(value)),
});

/** `POST /_local/invoke` with `{function, event?, sample?}`: the outcome as JSON; undefined for other paths. */
export const invokeEndpoint = (
  request: IncomingMessage,
  body: Buffer,
  context: InvokeContext,
): Promise<HttpReply> | undefined => {
  if ((request.url ?? '').split('?')[0] !== '/_local/invoke') return undefined;
  if (request.method !== 'POST')
    return Promise.resolve(problemReply(405, 'Method Not Allowed', 'POST {function, event?, sample?}'));
  return (async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return problemReply(400, 'Bad Request', 'the body is not JSON');
    }
    if (!isJsonObject(parsed) || typeof parsed.function !== 'string')
      return problemReply(400, 'Bad Request', 'the body must be {function, event?, sample?}');
    try {
      return json(
        200,
        await invokeFunction(context, {
          function: parsed.function,
          ...('event' in parsed ? { event: parsed.event } : {}),
          ...(typeof parsed.sample === 'string' ? { sample: parsed.sample } : {}),
        }),
      );
    } catch (error) {
      if (error instanceof InvokeRequestError)
        return problemReply(error.status, error.status === 404 ? 'Not Found' : 'Bad Request', error.message);
      throw error;
    }
  })();
};
