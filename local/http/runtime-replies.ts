import { problem } from '#shared/http.ts';
import type { ActivityLog } from '../activity-log.ts';
import type { InvocationResult } from '../lambda/local-function.ts';
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
  readonly deadLetterQueues: () => readonly {
    readonly name: string;
    readonly url: string;
    readonly messages: readonly unknown[];
  }[];
  /** Each alarm with its state and its latest notification. */
  readonly alarms: () => unknown;
  /** IAM's refusals: how many, and the latest. */
  readonly refusals: () => unknown;
}

const json = (value: unknown): HttpReply => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify(value)),
});

/**
 * The runtime's own read-only endpoints, for the local console, `npx reelhire alarms` and the tests that run
 * `npm start`: /_local/activity, /_local/alarms and /_local/iam (the refusals).
 */
export const localEndpoint = (path: string, sources: LocalEndpointSources): HttpReply | undefined => {
  switch (path) {
    case '/_local/activity':
      return json({ records: sources.activity.recent(), deadLetterQueues: sources.deadLetterQueues() });
    case '/_local/alarms':
      return json(sources.alarms());
    case '/_local/iam':
      return json(sources.refusals());
    default:
      return undefined;
  }
};
