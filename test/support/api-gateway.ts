import type { HttpRequest } from '#shared/http.ts';

/** An API Gateway HTTP API (payload 2.0) request, as the webhook routes receive it. */
export interface RequestShape {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Route key as configured; defaults to `<method> <path>`. */
  readonly routeKey?: string;
}

export const apiGatewayRequest = (shape: RequestShape): HttpRequest => {
  const rawQueryString = shape.query ? new URLSearchParams({ ...shape.query }).toString() : '';
  // API Gateway lower-cases header names; bodies that are not text arrive base64-encoded.
  const headers = Object.fromEntries(
    Object.entries(shape.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const binary = Buffer.isBuffer(shape.body);
  return {
    version: '2.0',
    routeKey: shape.routeKey ?? `${shape.method} ${shape.path}`,
    rawPath: shape.path,
    rawQueryString,
    headers,
    ...(shape.query ? { queryStringParameters: { ...shape.query } } : {}),
    ...(shape.body === undefined
      ? {}
      : { body: binary ? (shape.body as Buffer).toString('base64') : (shape.body as string) }),
    isBase64Encoded: binary,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: {
        method: shape.method,
        path: shape.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'reelhire-test',
      },
      requestId: 'test',
      routeKey: shape.routeKey ?? `${shape.method} ${shape.path}`,
      stage: '$default',
      time: '22/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
  };
};
