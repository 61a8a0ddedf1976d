import type { IncomingMessage } from 'node:http';

/**
 * One HTTP request as the services of the front door see it (CloudFront, WAF, API Gateway): each inspects it,
 * and CloudFront builds the origin's request from it, so it is plain data rather than the socket's message.
 */
export interface EdgeRequest {
  /** Upper case. */
  readonly method: string;
  /** The path as sent, percent-encoding kept. */
  readonly path: string;
  /** The raw query string without its `?`; empty when there is none. */
  readonly query: string;
  /** Lower-case names; each header's values as sent. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: Buffer;
  /** The address the request came from. */
  readonly sourceIp: string;
  readonly httpVersion: string;
  /** The port the request was received on. */
  readonly port: number;
}

export const edgeRequestOf = (request: IncomingMessage, body: Buffer): EdgeRequest => {
  const url = request.url ?? '/';
  const mark = url.indexOf('?');
  const headers: Record<string, readonly string[]> = {};
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (values !== undefined) headers[name] = values;
  }
  return {
    method: (request.method ?? 'GET').toUpperCase(),
    path: mark < 0 ? url : url.slice(0, mark),
    query: mark < 0 ? '' : url.slice(mark + 1),
    headers,
    body,
    sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
    httpVersion: request.httpVersion,
    port: request.socket.localPort ?? 0,
  };
};

/** A header's values joined as HTTP joins repeated headers; undefined when absent. */
export const headerOf = (request: EdgeRequest, name: string): string | undefined =>
  request.headers[name.toLowerCase()]?.join(',');
