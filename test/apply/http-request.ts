import type { HttpRequest } from '#shared/http.ts';
import { apiGatewayRequest } from '../support/aws-inputs.ts';

/** A request to one of the applications routes (`/jobs/{jobId}/apply`, `/jobs/{jobId}/applications`). */
export const httpRequest = (
  method: 'GET' | 'POST',
  route: 'apply' | 'applications',
  jobId: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): HttpRequest =>
  apiGatewayRequest({
    method,
    path: `/jobs/${encodeURIComponent(jobId)}/${route}`,
    routeKey: `${method} /jobs/{jobId}/${route}`,
    pathParameters: { jobId },
    ...options,
  });

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
