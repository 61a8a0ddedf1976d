import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One SQS API call as the SDK sent it (AWS JSON 1.0: `X-Amz-Target: AmazonSQS.<Action>`). */
export interface SqsCall {
  readonly action: string;
  readonly input: Record<string, unknown>;
}

/**
 * Records the SQS calls a consumer makes (ChangeMessageVisibility for a retry, SendMessage to the DLQ) over
 * the real SDK and protocol, so a test can say exactly which calls, in which order; the queues themselves are
 * exercised on the local runtime. It answers only those two actions.
 */
export class SqsRecorder {
  readonly calls: SqsCall[] = [];
  private readonly server: Server;

  private constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const action = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
        const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        this.calls.push({ action, input });
        const reply =
          action === 'SendMessage'
            ? {
                MessageId: randomUUID(),
                MD5OfMessageBody: createHash('md5')
                  .update(String(input.MessageBody ?? ''))
                  .digest('hex'),
              }
            : action === 'ChangeMessageVisibility'
              ? {}
              : undefined;
        response.writeHead(reply ? 200 : 400, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify(reply ?? { __type: 'InvalidAction', message: `unsupported ${action}` }));
      });
    });
  }

  static async start(): Promise<SqsRecorder> {
    const recorder = new SqsRecorder();
    await new Promise<void>((resolve) => recorder.server.listen(0, '127.0.0.1', resolve));
    return recorder;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  queueUrl(name: string): string {
    return `${this.endpoint}/000000000000/${name}`;
  }

  ofAction(action: string): SqsCall[] {
    return this.calls.filter((call) => call.action === action);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}
