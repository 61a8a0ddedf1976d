import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventPublisher } from '#shared/event-publisher.ts';
import { DynamoDeliveryLedger } from '#webhooks/dynamo-delivery-ledger.ts';
import { createWebhookHandler } from '#webhooks/webhooks-handler.ts';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import { REQUESTED_LEASE_SECONDS } from '#websub/subscription.ts';
import { WebSubVerification } from '#websub/verification.ts';
import { tableDefinition } from '../local/testing/dynalite.ts';
import { listenOnLoopback } from '../local/testing/loopback-server.ts';
import { serveHandler } from '../local/testing/serve-handler.ts';
import type { LoadResult } from './ingest-load.ts';

/**
 * Webhook ingest latency and throughput over loopback: autocannon at a fixed concurrency POSTs signed TikTok
 * `post.publish.publicly_available` deliveries, each with its own post id (so every one is claimed on the
 * table, none is a duplicate), to an HTTP server on 127.0.0.1 that runs the webhooks handler against a real
 * dynalite table. The bus is a counting publisher: PutEvents latency is AWS's, not ours to measure here.
 * The load generator, the handler and dynalite run in three processes sharing this machine's two cores.
 * Its baseline, in the same run with the same load generator: a bare `node:http` server in this process that
 * reads each request's body and answers the same 200 JSON (`benchIngestRatio`).
 */

export interface WebhookIngestResult {
  readonly name: 'webhook-ingest';
  readonly connections: number;
  readonly durationSeconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Events the handler published: one per accepted delivery. */
  readonly published: number;
}

export interface WebhookIngestOptions {
  /** Concurrent connections. @default 10 */
  readonly connections?: number;
  /** Seconds of load. @default 10 */
  readonly durationSeconds?: number;
}

const CLIENT_SECRET = 'bench-tiktok-client-secret';

class CountingPublisher implements EventPublisher {
  published = 0;
  async publish(events: readonly unknown[]): Promise<void> {
    this.published += events.length;
  }
}

export const benchWebhookIngest = async (
  options: WebhookIngestOptions = {},
): Promise<WebhookIngestResult> => {
  const connections = options.connections ?? 10;
  const durationSeconds = options.durationSeconds ?? 10;

  // Three processes, as in production: DynamoDB (dynalite) apart, the handler behind its HTTP server here, and
  // the load generator apart, so none of them queues behind another's CPU on this event loop.
  const storage = await startDynaliteProcess();
  try {
    const client = new DynamoDBClient({
      endpoint: storage.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const documents = DynamoDBDocumentClient.from(client);
    const tableName = 'bench-webhooks';
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
    while (
      (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE'
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const publisher = new CountingPublisher();
    const ports = {
      publisher,
      deliveries: new DynamoDeliveryLedger(documents, tableName),
      // The function caches its secrets for minutes: after the first request, this is what it does.
      secrets: async () => [CLIENT_SECRET],
      clock: () => new Date(),
      count: () => undefined,
      subscriptions: new WebSubVerification(
        new DynamoChannelSubscriptions(documents, tableName),
        REQUESTED_LEASE_SECONDS,
      ),
    };
    const handler = createWebhookHandler(ports);
    const server = await serveHandler((request) => handler(request));
    try {
      const result = await runLoad(`${server.url}/webhooks/tiktok`, connections, durationSeconds);
      return {
        name: 'webhook-ingest',
        connections,
        durationSeconds: result.duration,
        requests: result.requests.total,
        requestsPerSecond: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        maxMs: result.latency.max,
        non2xx: result.non2xx,
        errors: result.errors,
        published: publisher.published,
      };
    } finally {
      await server.close();
      client.destroy();
    }
  } finally {
    storage.stop();
  }
};

export interface IngestRatioResult {
  /** Webhook requests/s ÷ the bare server's requests/s, the same load against each. */
  readonly ratio: number;
  readonly webhook: WebhookIngestResult;
  readonly bare: { readonly requestsPerSecond: number; readonly p50Ms: number; readonly p99Ms: number };
}

/** The webhook ingest beside a bare node:http server answering the same requests, one after the other. */
export const benchIngestRatio = async (options: WebhookIngestOptions = {}): Promise<IngestRatioResult> => {
  const connections = options.connections ?? 10;
  const durationSeconds = options.durationSeconds ?? 10;
  const bare = await serveBare();
  let bareLoad: LoadResult;
  try {
    bareLoad = await runLoad(`${bare.url}/webhooks/tiktok`, connections, durationSeconds);
  } finally {
    await bare.close();
  }
  const webhook = await benchWebhookIngest({ connections, durationSeconds });
  const bareRate = Math.round(bareLoad.requests.average);
  return {
    ratio: webhook.requestsPerSecond / bareRate,
    webhook,
    bare: { requestsPerSecond: bareRate, p50Ms: bareLoad.latency.p50, p99Ms: bareLoad.latency.p99 },
  };
};

/** node:http and nothing else: reads the body, answers what the webhook answers an accepted delivery. */
const serveBare = () =>
  listenOnLoopback((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status":"accepted"}');
    });
  });

const runLoad = (url: string, connections: number, seconds: number): Promise<LoadResult> =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./ingest-load.ts', import.meta.url)),
        url,
        String(connections),
        String(seconds),
      ],
      { env: { ...process.env, TIKTOK_CLIENT_SECRET: CLIENT_SECRET }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as LoadResult)),
    );
  });

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/** dynalite in its own process, on a free loopback port, ready when it says it listens. */
const startDynaliteProcess = async (): Promise<{ endpoint: string; stop(): void }> => {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      createRequire(import.meta.url).resolve('dynalite/cli.js'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--createTableMs',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) resolve();
    });
  });
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill() };
};

// `npx tsx bench/webhook-ingest.ts [connections] [seconds]` runs it alone and prints the result.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [connections, seconds] = process.argv.slice(2).map(Number);
  const result = await benchIngestRatio({
    ...(connections ? { connections } : {}),
    ...(seconds ? { durationSeconds: seconds } : {}),
  });
  console.log(JSON.stringify(result, null, 2));
}
