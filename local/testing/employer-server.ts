import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request an employer endpoint received, with whether its signature verified. */
export interface ReceivedNotification {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Verified with the `standardwebhooks` reference library (5-minute timestamp tolerance). */
  readonly signatureValid: boolean;
  readonly answeredStatus: number;
}

/** What the employer answers to one request: a status (and headers), or a delay before answering. */
export interface EmployerReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly delayMs?: number;
}

/**
 * A real employer HTTP endpoint on 127.0.0.1 (port 0), for the tests and the reliability run. It verifies each
 * request with the employer's secret (the `standardwebhooks` library) and answers from a script of replies,
 * then with `otherwise`.
 */
export class EmployerServer {
  readonly received: ReceivedNotification[] = [];
  private readonly server: Server;
  private readonly script: EmployerReply[] = [];
  private readonly webhook: Webhook;
  /** Decides a reply by the notification itself (its type), before the script; undefined lets the script decide. */
  private decide: ((body: string) => EmployerReply | undefined) | undefined;

  private constructor(
    secret: string,
    private readonly otherwise: EmployerReply,
  ) {
    this.webhook = new Webhook(secret);
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const reply = this.decide?.(body) ?? this.script.shift() ?? this.otherwise;
        let signatureValid = true;
        try {
          this.webhook.verify(body, request.headers as Record<string, string>);
        } catch {
          signatureValid = false;
        }
        this.received.push({ headers: request.headers, body, signatureValid, answeredStatus: reply.status });
        const answer = () => {
          if (response.destroyed) return;
          response.writeHead(reply.status, reply.headers ?? {});
          response.end();
        };
        if (reply.delayMs) setTimeout(answer, reply.delayMs).unref();
        else answer();
      });
    });
  }

  static async start(secret: string, otherwise: EmployerReply = { status: 204 }): Promise<EmployerServer> {
    const employer = new EmployerServer(secret, otherwise);
    await new Promise<void>((resolve) => employer.server.listen(0, '127.0.0.1', resolve));
    return employer;
  }

  /** The next requests get these replies, in order. */
  answer(...replies: EmployerReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** From now on, replies by what is notified (an outage of one kind); `undefined` ends it. */
  replyBy(decide: ((body: string) => EmployerReply | undefined) | undefined): this {
    this.decide = decide;
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/contra/applications'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  get successes(): ReceivedNotification[] {
    return this.received.filter((request) => request.answeredStatus >= 200 && request.answeredStatus < 300);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
