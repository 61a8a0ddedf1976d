import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { EventPublisher } from '#commons/adapters/event-bus.ts';
import { clearSecretCache, secretValues } from '#commons/adapters/secrets.ts';
import { DynamoDeliveryLedger } from '#commons/webhooks/deliveries.ts';
import { signTikTok } from '#commons/webhooks/tiktok.ts';
import { DynamoChannelSubscriptions } from '#commons/websub/channel-subscriptions.ts';
import { REQUESTED_LEASE_SECONDS } from '#commons/websub/subscription.ts';
import { WebSubVerification } from '#commons/websub/verification.ts';
import { createWebhookHandler } from '../functions/webhooks.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { serveHandler } from '../test/webhooks/support/http-server.ts';

/**
 * Webhook ingest latency and throughput over loopback: autocannon at a fixed concurrency POSTs signed TikTok
 * `post.publish.publicly_available` deliveries, each with its own post id (so every one is claimed on the
 * table, none is a duplicate), to an HTTP server on 127.0.0.1 that runs the webhooks handler against a real
 * dynalite table. The bus is a counting publisher: PutEvents latency is AWS's, not ours to measure here.
 * Everything (load generator, handler, dynalite) shares this machine's cores.
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

interface Histogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

interface AutocannonResult {
  readonly latency: Histogram;
  readonly requests: Histogram & { readonly total: number };
  readonly duration: number;
  readonly non2xx: number;
  readonly errors: number;
}

interface RawRequest {
  body?: string;
  headers?: Record<string, string>;
}

interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly requests: readonly { readonly setupRequest: (request: RawRequest) => RawRequest }[];
}

// autocannon ships no types: the part used here is declared above.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;

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
  process.env.REELHIRE_MODE = 'local';
  process.env.TIKTOK_CLIENT_SECRET = CLIENT_SECRET;
  clearSecretCache();

  const dynamo = await startDynalite();
  const tableName = await dynamo.createTable('bench-webhooks');
  const publisher = new CountingPublisher();
  const ports = {
    publisher,
    deliveries: new DynamoDeliveryLedger(dynamo.documents, tableName),
    secrets: secretValues,
    clock: () => new Date(),
    count: () => undefined,
    subscriptions: new WebSubVerification(
      new DynamoChannelSubscriptions(dynamo.documents, tableName),
      REQUESTED_LEASE_SECONDS,
    ),
  };
  const handler = createWebhookHandler(() => ports);
  const server = await serveHandler((request) => handler(request));

  let sequence = 0;
  const nextDelivery = (request: RawRequest): RawRequest => {
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      client_key: 'bench',
      event: 'post.publish.publicly_available',
      create_time: now,
      user_openid: `act.bench-${sequence % 1000}`,
      content: JSON.stringify({
        publish_id: `v_pub~${sequence}`,
        post_id: String(7_400_000_000_000_000 + ++sequence),
      }),
    });
    request.body = body;
    request.headers = {
      ...request.headers,
      'content-type': 'application/json',
      'tiktok-signature': signTikTok(CLIENT_SECRET, now, body),
    };
    return request;
  };

  try {
    const result = await autocannon({
      url: `${server.url}/webhooks/tiktok`,
      connections,
      duration: durationSeconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [{ setupRequest: nextDelivery }],
    });
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
    await dynamo.close();
  }
};

// `npx tsx bench/webhook-ingest.ts [connections] [seconds]` runs it alone and prints the result.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [connections, seconds] = process.argv.slice(2).map(Number);
  const result = await benchWebhookIngest({
    ...(connections ? { connections } : {}),
    ...(seconds ? { durationSeconds: seconds } : {}),
  });
  console.log(JSON.stringify(result, null, 2));
}
