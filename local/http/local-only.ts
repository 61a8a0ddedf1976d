import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/**
 * The guard of every endpoint that serves the developer only (CONTRACT §5): PutEvents and SQS on the API port,
 * the embedded DynamoDB, the console and `/_local/*`, the stack's WebSub hub, the CLI's `employer listen`. The ports listen on loopback, but
 * a web page the developer visits can still reach them: through DNS rebinding (its own name resolving to
 * 127.0.0.1, so the browser sends that name as Host) or with a cross-origin request (an Origin that is not the
 * console's). Both are refused before anything is read or changed, and the refusal carries no CORS header.
 */

/** `127.0.0.1` or `localhost`, with or without a port: what a client that connected to loopback sends. */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost)(?::\d{1,5})?$/i;

/** What a refusal quotes of a header: enough to recognize it, never a page of it. */
const quoted = (value: string): string =>
  JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);

/** The browser origins of the local console: the API port on either loopback name. */
export const consoleOrigins = (apiUrl: string): readonly string[] => {
  const { port } = new URL(apiUrl);
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
};

/**
 * Why a request may not reach a local-only endpoint, or undefined when it may: its Host must name loopback,
 * and a browser's Origin (absent from the SDKs' and the CLI's requests) must be one of `allowedOrigins`.
 */
export const localOnlyRefusal = (
  headers: IncomingHttpHeaders,
  allowedOrigins: readonly string[],
): string | undefined => {
  const { host, origin } = headers;
  if (host === undefined || !LOOPBACK_HOST.test(host)) {
    return `Host ${quoted(host ?? '')} is not 127.0.0.1 or localhost: the local runtime's own endpoints answer loopback names only`;
  }
  if (origin !== undefined && !allowedOrigins.includes(origin)) {
    return `Origin ${quoted(origin)} is not ${allowedOrigins.join(' or ') || 'allowed'}: the local runtime's own endpoints answer no other web page`;
  }
  return undefined;
};

/** The AWS JSON version the caller spoke (1.0 for DynamoDB and SQS, 1.1 for the others), for its error. */
const awsJsonTypeOf = (headers: IncomingHttpHeaders): string => {
  const type = headers['content-type'];
  return type === 'application/x-amz-json-1.0' ? type : 'application/x-amz-json-1.1';
};

/**
 * The guard in front of an AWS JSON endpoint (PutEvents, SQS and Secrets Manager on the API port, dynalite, the
 * standalone Secrets Manager and IAM fronts): answers a refused call its 403 (`__type` and `message`, as the SDKs
 * read errors; no CORS header) and returns true. An admitted call loses its Origin, so that nothing behind the
 * guard (dynalite answers any Origin with `Access-Control-Allow-Origin: *`) can answer a browser with CORS headers.
 */
export const refuseForeignAwsCall = (
  request: IncomingMessage,
  response: ServerResponse,
  allowedOrigins: readonly string[],
): boolean => {
  const refusal = localOnlyRefusal(request.headers, allowedOrigins);
  if (refusal === undefined) {
    delete request.headers.origin;
    return false;
  }
  response.writeHead(403, {
    'content-type': awsJsonTypeOf(request.headers),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(JSON.stringify({ __type: 'AccessDeniedException', message: refusal }));
  return true;
};
