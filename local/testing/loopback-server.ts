import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A node:http server on a free loopback port running one listener; `close` ends it and its connections. */
export interface LoopbackServer {
  readonly url: string;
  close(): Promise<void>;
}

export const listenOnLoopback = async (listener: RequestListener): Promise<LoopbackServer> => {
  const server = createServer((request, response) => {
    Promise.resolve(listener(request, response)).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
