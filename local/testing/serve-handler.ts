import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequest, HttpResponse } from '#shared/http.ts';
import { edgeRequestOf } from '../http/edge-request.ts';
import { httpApiEvent, httpReplyOf, newRequestId } from '../http/payload-v2.ts';

/**
 * Serves a Lambda HTTP handler on 127.0.0.1 (a random port) the way API Gateway calls it, with the local
 * runtime's own payload 2.0 mapping (local/http/payload-v2.ts): every path is one route, keyed `<method> <path>`.
 */
export interface ServedHandler {
  readonly url: string;
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const routeKeyOf = (request: IncomingMessage): string =>
  `${request.method ?? 'GET'} ${new URL(request.url ?? '/', 'http://127.0.0.1').pathname}`;

export const serveHandler = async (
  handler: (request: HttpRequest) => Promise<HttpResponse>,
): Promise<ServedHandler> => {
  const inFlight = new Set<Promise<void>>();
  const server: Server = createServer((request, response) => {
    const respond = async () => {
      const match = { route: { routeKey: routeKeyOf(request), functionName: 'served' }, pathParameters: {} };
      const event = httpApiEvent({
        request: edgeRequestOf(request, await readBody(request)),
        match,
        apiId: 'local',
        requestId: newRequestId(),
      });
      const reply = httpReplyOf(await handler(event));
      response.writeHead(reply.statusCode, reply.headers);
      response.end(reply.body);
    };
    const handled = respond()
      .catch(() => {
        if (!response.headersSent) response.writeHead(502);
        response.end();
      })
      .finally(() => inFlight.delete(handled));
    inFlight.add(handled);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    // Stops taking requests, then waits for the ones already in the handler, so that whatever the handler
    // uses (a dynalite table) can be closed after this.
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      });
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
};
