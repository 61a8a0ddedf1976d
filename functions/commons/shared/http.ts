import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';

/** HTTP API (payload 2.0) request and response, as API Gateway and the local runtime deliver them. */
export type HttpRequest = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

/** When API Gateway took the request (ISO 8601): what a funnel record is stamped with, so it enters the log soon after. */
export const requestTime = (request: HttpRequest): string =>
  new Date(request.requestContext.timeEpoch).toISOString();

/** Request bodies over 256 KiB are refused with 413 (CONTRACT §4). */
export const MAX_BODY_BYTES = 262_144;

/**
 * How long a public read may be served from a cache: the CDN's TTL for `GET /links/{platform}/{videoId}` and
 * `/openapi.json` (lib/constructs/api-distribution.ts), so a link change reaches every reader within it.
 */
export const PUBLIC_READ_MAX_AGE_SECONDS = 8;

/** On what no cache may keep: errors, redirects, anything personal. */
export const NO_STORE = { 'cache-control': 'no-store' } as const;

/**
 * On a public read's 200, and on nothing else: cached for PUBLIC_READ_MAX_AGE_SECONDS, or for the whole seconds it
 * stays true when that is sooner, and not at all under one (a cache may not serve it once it is false).
 */
export const publicReadCacheFor = (
  seconds: number = PUBLIC_READ_MAX_AGE_SECONDS,
): Readonly<Record<string, string>> => {
  const maxAge = Math.floor(Math.min(seconds, PUBLIC_READ_MAX_AGE_SECONDS));
  return maxAge >= 1 ? { 'cache-control': `public, max-age=${maxAge}` } : NO_STORE;
};

/** A public read's 200 that stays true until changed: the full TTL. */
export const PUBLIC_READ_CACHE = publicReadCacheFor();

/** The response with these headers added. */
export const withHeaders = (
  response: HttpResponse,
  headers: Readonly<Record<string, string>>,
): HttpResponse => ({
  ...response,
  headers: { ...response.headers, ...headers },
});

/** The body of every error ReelHire answers itself (RFC 9457, `application/problem+json`). */
export const ProblemBody = z.object({
  type: z
    .string()
    .describe('a URI reference naming the kind of problem; `about:blank` when the status says it'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().describe('what is wrong, for a person'),
});
export type ProblemBody = z.infer<typeof ProblemBody>;

/** An RFC 9457 problem: `type, title, status, detail`. */
export const problem = (
  status: number,
  title: string,
  detail: string,
  type = 'about:blank',
): HttpResponse => ({
  statusCode: status,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({ type, title, status, detail } satisfies ProblemBody),
});

/**
 * 401 for a Bearer credential (RFC 6750): the challenge says `invalid_token` when one was given and refused.
 * The reason helps the caller; the credential itself is never echoed.
 */
export const unauthorized = (detail: string, credentialGiven: boolean): HttpResponse => {
  const response = problem(401, 'Unauthorized', detail);
  return {
    ...response,
    headers: {
      ...response.headers,
      'www-authenticate': credentialGiven
        ? 'Bearer realm="reelhire", error="invalid_token"'
        : 'Bearer realm="reelhire"',
    },
  };
};

/** The credential of `Authorization: Bearer <credential>`, or undefined. */
export const bearerCredential = (request: HttpRequest): string | undefined =>
  /^Bearer +(\S+)\s*$/i.exec(header(request, 'authorization') ?? '')?.[1];

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const text = (
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): HttpResponse => ({
  statusCode: status,
  headers: { 'content-type': contentType },
  body,
});

/** The raw request body as bytes (API Gateway base64-encodes binary bodies). */
export const rawBody = (request: HttpRequest): Buffer =>
  request.body === undefined
    ? Buffer.alloc(0)
    : Buffer.from(request.body, request.isBase64Encoded ? 'base64' : 'utf8');

/** A header by case-insensitive name (API Gateway lower-cases them, but callers should not rely on it). */
export const header = (request: HttpRequest, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
};

export const tooLarge = (body: Buffer): HttpResponse | undefined =>
  body.byteLength > MAX_BODY_BYTES
    ? problem(413, 'Payload Too Large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`)
    : undefined;
