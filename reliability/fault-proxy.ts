import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * An HTTP proxy on 127.0.0.1 between the functions and the embedded DynamoDB, injecting what no local server
 * does by itself: throttling (400 with the `__type` DynamoDB returns), 500s, latency spikes and connections
 * reset. Half of the 500s and resets happen after the request reached DynamoDB, so the caller cannot tell
 * whether its write was applied: the case where a retried conditional write must still converge.
 */

export const FAULT_KINDS = [
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'InternalServerError',
  'latency',
  'reset',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Probability of each fault per request; the sum must not exceed 1. */
export type FaultRates = Readonly<Partial<Record<FaultKind, number>>>;

/** A total fault rate spread evenly over every kind. */
export const evenFaultRates = (total: number): FaultRates =>
  Object.fromEntries(FAULT_KINDS.map((kind) => [kind, total / FAULT_KINDS.length]));

/** One DynamoDB call as it reached the proxy. */
export interface DynamoCall {
  /** The operation (`PutItem`, `UpdateItem`, `Query`…), from X-Amz-Target. */
  readonly operation: string;
  readonly body: string;
}

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
export const isWrite = (call: DynamoCall): boolean => WRITE_OPERATIONS.has(call.operation);

export interface FaultProxyOptions {
  /** The DynamoDB endpoint to forward to; may be set later (setTarget), before the first call. */
  readonly target?: string;
  readonly rates?: FaultRates;
  /** @default Math.random */
  readonly random?: () => number;
  /** A latency spike waits this long before forwarding. @default [200, 1200] */
  readonly latencyMs?: readonly [number, number];
}

export interface FaultCounts {
  readonly requests: number;
  /** Of those, writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem): what write units are spent on. */
  readonly writes: number;
  /** Requests that reached DynamoDB (including those whose answer was then replaced by a fault). */
  readonly forwarded: number;
  readonly faults: Readonly<Record<FaultKind, number>>;
  /** 500s and resets that came after DynamoDB had processed the request. */
  readonly afterForwarding: number;
}

/** A call held by `holdNext`: it reaches neither DynamoDB nor an answer until dropped. */
export interface HeldCall extends DynamoCall {
  /** Ends the held connection without an answer. */
  drop(): void;
}

const ERROR_MESSAGES: Readonly<Record<Exclude<FaultKind, 'latency' | 'reset'>, string>> = {
  ProvisionedThroughputExceededException:
    'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  ThrottlingException: 'Rate of requests exceeds the allowed throughput.',
  InternalServerError: 'Internal server error',
};

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

interface Upstream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Answers as DynamoDB does: AWS JSON 1.0 with `__type`, a request id and the CRC32 of the body. */
const answerError = (response: ServerResponse, kind: keyof typeof ERROR_MESSAGES): void => {
  const body = Buffer.from(
    JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${kind}`, message: ERROR_MESSAGES[kind] }),
  );
  response.writeHead(kind === 'InternalServerError' ? 500 : 400, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': body.length,
    'x-amzn-requestid': randomUUID().replaceAll('-', '').toUpperCase(),
    'x-amz-crc32': String(crc32(body)),
  });
  response.end(body);
};

export class FaultProxy {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly random: () => number;
  private rates: FaultRates;
  private target: URL | undefined;
  private readonly counts = {
    requests: 0,
    writes: 0,
    forwarded: 0,
    afterForwarding: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
  };
  private readonly holds: { matches: (call: DynamoCall) => boolean; take: (call: HeldCall) => void }[] = [];
  private readonly held = new Set<ServerResponse>();

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly url: string,
    private readonly options: FaultProxyOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.rates = options.rates ?? {};
    this.target = options.target ? new URL(options.target) : undefined;
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const proxy = new FaultProxy(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (request, response) => {
      proxy.handle(request, response).catch(() => response.destroy());
    });
    return proxy;
  }

  setTarget(target: string): void {
    this.target = new URL(target);
  }

  /** Changes the fault rates from now on (0 everywhere: a plain proxy). */
  setRates(rates: FaultRates): void {
    this.rates = rates;
  }

  stats(): FaultCounts {
    return { ...this.counts, faults: { ...this.counts.faults } };
  }

  /** What happened since an earlier `stats()`. */
  since(before: FaultCounts): FaultCounts {
    const now = this.stats();
    return {
      requests: now.requests - before.requests,
      writes: now.writes - before.writes,
      forwarded: now.forwarded - before.forwarded,
      afterForwarding: now.afterForwarding - before.afterForwarding,
      faults: Object.fromEntries(
        FAULT_KINDS.map((kind) => [kind, now.faults[kind] - before.faults[kind]]),
      ) as Record<FaultKind, number>,
    };
  }

  /**
   * Holds the next call that matches (it is neither forwarded nor answered) and resolves with it: a test can
   * then kill the caller in the middle of its work, and drop the connection afterwards.
   */
  holdNext(matches: (call: DynamoCall) => boolean): Promise<HeldCall> {
    return new Promise((take) => this.holds.push({ matches, take }));
  }

  async close(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private draw(): FaultKind | undefined {
    let roll = this.random();
    for (const kind of FAULT_KINDS) {
      const rate = this.rates[kind] ?? 0;
      if (roll < rate) return kind;
      roll -= rate;
    }
    return undefined;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    this.counts.requests++;
    const call: DynamoCall = {
      operation: String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, ''),
      body: body.toString('utf8'),
    };
    if (isWrite(call)) this.counts.writes++;
    const hold = this.holds.findIndex((candidate) => candidate.matches(call));
    if (hold >= 0) {
      const [{ take }] = this.holds.splice(hold, 1) as [(typeof this.holds)[number]];
      this.held.add(response);
      take({ ...call, drop: () => response.destroy() });
      return;
    }

    const fault = this.draw();
    if (fault) this.counts.faults[fault]++;
    // Half of the 500s and resets strike after DynamoDB did the work: the caller cannot know it was applied.
    const afterForwarding = (fault === 'InternalServerError' || fault === 'reset') && this.random() < 0.5;
    if (fault === 'ProvisionedThroughputExceededException' || fault === 'ThrottlingException') {
      answerError(response, fault);
      return;
    }
    if ((fault === 'InternalServerError' || fault === 'reset') && !afterForwarding) {
      if (fault === 'reset') request.socket.destroy();
      else answerError(response, fault);
      return;
    }
    if (fault === 'latency') {
      const [min, max] = this.options.latencyMs ?? [200, 1200];
      await new Promise((resolve) => setTimeout(resolve, min + this.random() * (max - min)));
    }

    const upstream = await this.forward(request, body);
    this.counts.forwarded++;
    if (afterForwarding) {
      this.counts.afterForwarding++;
      if (fault === 'reset') request.socket.destroy();
      else answerError(response, 'InternalServerError');
      return;
    }
    response.writeHead(upstream.status, upstream.headers);
    response.end(upstream.body);
  }

  private forward(request: IncomingMessage, body: Buffer): Promise<Upstream> {
    const { target } = this;
    if (!target) return Promise.reject(new Error('the fault proxy has no target yet'));
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          // The Host header stays the caller's: it is part of what a SigV4 signature covers, and local DynamoDB
          // checks each function's signature as AWS would.
          headers: { ...request.headers, 'content-length': String(body.length) },
          agent: this.agent,
        },
        (upstream) => {
          readBody(upstream).then(
            (answer) =>
              resolve({ status: upstream.statusCode ?? 502, headers: upstream.headers, body: answer }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}
