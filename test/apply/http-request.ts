import type { HttpRequest } from '#shared/http.ts';

/** An HTTP API (payload 2.0) request as API Gateway delivers it for one of the applications routes. */
export const httpRequest = (
  method: 'GET' | 'POST',
  route: 'apply' | 'applications',
  jobId: string,
  options: { headers?: Record<string, string>; body?: string; base64?: boolean; query?: string } = {},
): HttpRequest => {
  const rawPath = `/jobs/${encodeURIComponent(jobId)}/${route}`;
  const routeKey = `${method} /jobs/{jobId}/${route}`;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: options.query ?? '',
    headers: options.headers ?? {},
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'request',
      routeKey,
      stage: '$default',
      time: '21/Nov/2026:18:30:00 +0000',
      timeEpoch: 1_795_372_200_000,
    },
    pathParameters: { jobId },
    isBase64Encoded: options.base64 ?? false,
    ...(options.body === undefined
      ? {}
      : { body: options.base64 ? Buffer.from(options.body).toString('base64') : options.body }),
  };
};

export const applyRequest = (
  jobId: string,
  token: string | undefined,
  body?: string,
  extraHeaders: Record<string, string> = {},
): HttpRequest =>
  httpRequest('POST', 'applications', jobId, {
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...extraHeaders,
    },
    ...(body === undefined ? {} : { body }),
  });
