import { problem } from '#shared/http.ts';
import type { ActivityLog } from '../activity-log.ts';
import type { InvocationResult } from '../lambda/local-function.ts';
import type { FunctionLogs } from '../logs/function-logs.ts';
import type { HttpReply } from './payload-v2.ts';

/**
 * What the API answers when the function behind a route fails (an uncaught error, a timeout, a crash): in the
 * cloud API Gateway says 500 (503 on its own 30 s timeout); locally the problem says which error it was.
 */
export const functionHttpFailure = (result: Extract<InvocationResult, { ok: false }>): HttpReply => {
  const status = result.outcome === 'timed-out' ? 503 : 500;
  const response = problem(
    status,
    status === 503 ? 'Service Unavailable' : 'Internal Server Error',
    `the function failed (${result.error.errorType}); request ${result.requestId}`,
  );
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    cookies: [],
    body: Buffer.from(String(response.body)),
  };
};

export interface LocalEndpointSources {
  readonly activity: ActivityLog;
  readonly logs: FunctionLogs;
  /** The functions' short names, for a reader that names one that does not exist. */
  readonly functionNames: () => readonly string[];
  readonly deadLetterQueues: () => readonly {
    readonly name: string;
    readonly url: string;
    readonly messages: readonly unknown[];
  }[];
  /** The most recently changed applications, with their history. */
  readonly applications: () => Promise<readonly unknown[]>;
  /** Where the stack's DynamoDB is: what `npx reelhire` reads local state through. */
  readonly storage: { readonly dynamoEndpoint: string; readonly tableNames: readonly string[] };
  /** Each alarm with its state and its latest notification. */
  readonly alarms: () => unknown;
  /** IAM's refusals: how many, and the latest. */
  readonly refusals: () => unknown;
  /** A job's funnel or a video's taps, as delivered so far. */
  readonly funnel: (query: URLSearchParams) => Promise<unknown>;
}

const json = (value: unknown): HttpReply => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify(value)),
});

/**
 * `/_local/logs?function=F&requestId=R&after=SEQ`: the lines after SEQ (all kept ones without it), oldest first,
 * and `latest`, the seq to ask after next time (`reelhire logs --follow` polls with it).
 */
const logsReply = (query: URLSearchParams, sources: LocalEndpointSources): HttpReply => {
  const after = Number(query.get('after') ?? '0');
  const name = query.get('function') ?? undefined;
  const requestId = query.get('requestId') ?? undefined;
  return json({
    latest: sources.logs.latest,
    functions: sources.functionNames(),
    lines: sources.logs.query({
      ...(name ? { function: name } : {}),
      ...(requestId ? { requestId } : {}),
      after: Number.isFinite(after) ? after : 0,
    }),
  });
};

/**
 * The runtime's own read-only endpoints, for the local console, `npx reelhire` (applications, alarms, logs) and
 * the tests that run `npm start`: /_local/activity, /_local/stack, /_local/alarms, /_local/iam (the refusals)
 * /_local/logs and /_local/funnel.
 */
export const localEndpoint = (
  url: URL,
  sources: LocalEndpointSources,
): Promise<HttpReply> | HttpReply | undefined => {
  switch (url.pathname) {
    case '/_local/logs':
      return logsReply(url.searchParams, sources);
    case '/_local/activity':
      return sources.applications().then((applications) =>
        json({
          records: sources.activity.recent(),
          deadLetterQueues: sources.deadLetterQueues(),
          applications,
        }),
      );
    case '/_local/stack':
      return json(sources.storage);
    case '/_local/alarms':
      return json(sources.alarms());
    case '/_local/iam':
      return json(sources.refusals());
    case '/_local/funnel':
      return sources.funnel(url.searchParams).then(json);
    default:
      return undefined;
  }
};
