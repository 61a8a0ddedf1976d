import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_BODY_BYTES, problem } from '#shared/http.ts';
import { CONSOLE_PATH, consoleAsset } from '../console/console-page.ts';
import type { AwsReply } from './aws-json-endpoint.ts';
import { consoleOrigins, localOnlyRefusal, refuseForeignAwsCall } from './local-only.ts';
import type { HttpReply } from './payload-v2.ts';

/** AWS JSON requests may carry up to 1 MB of events or messages plus their framing. */
const MAX_AWS_REQUEST_BYTES = 2 * 1_048_576;

/** The prefix of the runtime's own endpoints (activity for the local console); no API route starts with it. */
export const LOCAL_PREFIX = '/_local/';

export interface RequestHandlers {
  /** An AWS JSON call; the request is there for its signature. */
  readonly aws: (
    request: IncomingMessage,
    target: string,
    body: Buffer,
    signal: AbortSignal,
  ) => Promise<AwsReply>;
  /** The API: its routes, and its answer when none matches. */
  readonly route: (request: IncomingMessage, body: Buffer) => Promise<HttpReply>;
  /** Undefined when no local endpoint has the path. */
  readonly local: (request: IncomingMessage, body: Buffer) => Promise<HttpReply> | HttpReply | undefined;
}

export const problemReply = (status: number, title: string, detail: string): HttpReply => {
  const response = problem(status, title, detail);
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json' },
    cookies: [],
    body: Buffer.from(String(response.body)),
  };
};

const AWS_TOO_LARGE: HttpReply = {
  statusCode: 413,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  cookies: [],
  body: Buffer.from(
    JSON.stringify({ __type: 'RequestEntityTooLargeException', message: 'Request entity too large' }),
  ),
};

/** The console's page and assets, and any other path under it: the developer's, like `/_local/`. */
const isConsolePath = (path: string): boolean => path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);

type BodyResult = { readonly body: Buffer } | { readonly tooLarge: true };

const readBody = (request: IncomingMessage, limit: number): Promise<BodyResult> =>
  new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? '0');
    if (declared > limit) {
      resolve({ tooLarge: true });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        resolve({ tooLarge: true });
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve({ body: Buffer.concat(chunks) }));
    request.on('error', reject);
  });

/**
 * The one local HTTP server on 127.0.0.1:$PORT: the HTTP API routes, and at `POST /` the AWS JSON endpoints
 * (PutEvents, SQS) told apart by their X-Amz-Target header. It listens before the rest of the runtime exists
 * (the port is part of every queue URL) and answers 503 until the handlers are attached.
 */
export class LocalHttpServer {
  private handlers: RequestHandlers | undefined;
  private readonly inFlight = new Set<AbortController>();
  private readonly origins: readonly string[];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    this.origins = consoleOrigins(url);
  }

  static async listen(port: number, host = '127.0.0.1'): Promise<LocalHttpServer> {
    const server = createServer({ keepAliveTimeout: 5_000 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const local = new LocalHttpServer(server, `http://${host}:${(server.address() as AddressInfo).port}`);
    server.on('request', (request, response) => {
      local.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent)
          local.send(response, problemReply(500, 'Internal Server Error', String(error)));
        else response.destroy();
      });
    });
    return local;
  }

  attach(handlers: RequestHandlers): void {
    this.handlers = handlers;
  }

  async close(): Promise<void> {
    for (const controller of this.inFlight) controller.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    // Requests under way (a long poll that saw the abort) finish; whatever still holds a socket is cut.
    const cut = setTimeout(() => this.server.closeAllConnections(), 1_000);
    await closed;
    clearTimeout(cut);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = request.headers['x-amz-target'];
    const awsTarget =
      typeof target === 'string' && target !== '' && request.method === 'POST' ? target : undefined;
    const path = (request.url ?? '/').split('?')[0]!;
    // The API routes are public (CloudFront fronts them in the cloud); everything else here is the developer's.
    if (awsTarget !== undefined) {
      if (refuseForeignAwsCall(request, response, this.origins)) return;
    } else if (path.startsWith(LOCAL_PREFIX) || isConsolePath(path)) {
      const refusal = localOnlyRefusal(request.headers, this.origins);
      if (refusal !== undefined) {
        this.send(response, problemReply(403, 'Forbidden', refusal));
        return;
      }
    }
    const handlers = this.handlers;
    if (!handlers) {
      this.send(response, problemReply(503, 'Service Unavailable', 'ReelHire is starting'));
      return;
    }
    const read = await readBody(request, awsTarget ? MAX_AWS_REQUEST_BYTES : MAX_BODY_BYTES);
    if ('tooLarge' in read) {
      response.setHeader('connection', 'close');
      this.send(
        response,
        awsTarget
          ? AWS_TOO_LARGE
          : problemReply(413, 'Payload Too Large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`),
      );
      response.on('finish', () => request.destroy());
      return;
    }
    if (awsTarget) {
      const controller = new AbortController();
      this.inFlight.add(controller);
      // A client that hangs up ends its long poll. An answered call has nothing left to end: aborting it anyway
      // would build an AbortError (a DOMException and its stack) for every call, the funnel's PutRecords too.
      response.on('close', () => {
        if (!response.writableFinished) controller.abort();
      });
      try {
        const reply = await handlers.aws(request, awsTarget, read.body, controller.signal);
        response.writeHead(reply.status, { ...reply.headers, 'x-amzn-requestid': randomUUID() });
        response.end(reply.body);
      } finally {
        this.inFlight.delete(controller);
      }
      return;
    }
    const consolePage = request.method === 'GET' ? consoleAsset(path) : undefined;
    if (consolePage) {
      this.send(response, consolePage);
      return;
    }
    if (path.startsWith(LOCAL_PREFIX)) {
      this.send(
        response,
        (await handlers.local(request, read.body)) ??
          problemReply(404, 'Not Found', `no local endpoint ${path}`),
      );
      return;
    }
    this.send(response, await handlers.route(request, read.body));
  }

  private send(response: ServerResponse, reply: HttpReply): void {
    for (const [name, value] of Object.entries(reply.headers)) response.setHeader(name, value);
    if (reply.cookies.length > 0) response.setHeader('set-cookie', [...reply.cookies]);
    response.setHeader('content-length', reply.body.length);
    response.statusCode = reply.statusCode;
    response.end(reply.body);
  }
}
