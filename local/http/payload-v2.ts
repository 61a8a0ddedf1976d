import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse } from '#shared/http.ts';
import { LOCAL_ACCOUNT } from '../local-account.ts';
import { type EdgeRequest, headerOf } from './edge-request.ts';
import type { RouteMatch } from './http-routes.ts';

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml)))/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** API Gateway passes text bodies as they are and base64-encodes anything else. */
const bodyOf = (
  body: Buffer,
  contentType: string | undefined,
): { body?: string; isBase64Encoded: boolean } => {
  if (body.length === 0) return { isBase64Encoded: false };
  if (contentType === undefined || TEXT_TYPES.test(contentType)) {
    try {
      return { body: utf8.decode(body), isBase64Encoded: false };
    } catch {
      // Not valid UTF-8: passed as binary, so the signature over the raw bytes still verifies.
    }
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
};

const requestTime = (instant: Date): string => {
  const [, day, month, year, time] = instant.toUTCString().split(' ');
  return `${day}/${month}/${year}:${time} +0000`;
};

export interface RequestFacts {
  readonly request: EdgeRequest;
  readonly match: RouteMatch;
  readonly apiId: string;
  readonly requestId: string;
}

/** The payload format 2.0 event API Gateway builds for a Lambda proxy integration. */
export const httpApiEvent = ({ request, match, apiId, requestId }: RequestFacts): HttpRequest => {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(request.headers)) {
    if (name !== 'cookie') headers[name] = values.join(',');
  }
  const { sourceIp } = request;
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${sourceIp}`
    : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-port'] = String(request.port);
  const query: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(request.query)) {
    query[name] = [...(query[name] ?? []), value];
  }
  const cookies = (headerOf(request, 'cookie') ?? '').split(/;\s*/).filter((cookie) => cookie.length > 0);
  const now = new Date();
  const host = headerOf(request, 'host') ?? '127.0.0.1';
  return {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: request.path,
    rawQueryString: request.query,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0
      ? {
          queryStringParameters: Object.fromEntries(
            Object.entries(query).map(([name, values]) => [name, values.join(',')]),
          ),
        }
      : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: { ...match.pathParameters } } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId,
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: request.method,
        path: request.path,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headerOf(request, 'user-agent') ?? '',
      },
      requestId,
      routeKey: match.route.routeKey,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...bodyOf(request.body, headerOf(request, 'content-type')),
  };
};

export interface HttpReply {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

/** API Gateway's own answer when it cannot get a response from the integration (refused, throttled, malformed). */
export const API_GATEWAY_INTERNAL_ERROR: HttpReply = {
  statusCode: 500,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message: 'Internal Server Error' })),
};

/**
 * Maps a function's result back as API Gateway does for payload 2.0: a structured result as given (statusCode,
 * headers, cookies, body, isBase64Encoded); anything else is a 200 JSON body.
 */
export const httpReplyOf = (result: unknown): HttpReply => {
  const structured = typeof result === 'object' && result !== null && 'statusCode' in result;
  if (!structured) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      cookies: [],
      body: Buffer.from(body),
    };
  }
  const response = result as HttpResponse & { multiValueHeaders?: Record<string, unknown[]> };
  const statusCode = Number(response.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599)
    return API_GATEWAY_INTERNAL_ERROR;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(response.multiValueHeaders ?? {})) {
    headers[name.toLowerCase()] = values.map(String).join(',');
  }
  const body =
    typeof response.body === 'string'
      ? Buffer.from(response.body, response.isBase64Encoded ? 'base64' : 'utf8')
      : Buffer.alloc(0);
  return { statusCode, headers, cookies: (response.cookies ?? []).map(String), body };
};

export const newRequestId = (): string => randomUUID();
