import { createRequire } from 'node:module';
import { signTikTok } from '#webhooks/tiktok.ts';

/**
 * The load generator of the webhook ingest bench, run in its own process so that generating and signing
 * requests does not share an event loop with the handler it measures. Prints autocannon's result as JSON.
 * Usage: tsx bench/ingest-load.ts <url> <connections> <seconds> (the client secret in TIKTOK_CLIENT_SECRET).
 */

interface RawRequest {
  body?: string;
  headers?: Record<string, string>;
}

interface Histogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadResult {
  readonly latency: Histogram;
  readonly requests: Histogram & { readonly total: number };
  readonly duration: number;
  readonly non2xx: number;
  readonly errors: number;
}

// autocannon ships no types: the part used here is declared here.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  method: 'POST';
  headers: Record<string, string>;
  requests: { setupRequest: (request: RawRequest) => RawRequest }[];
}) => Promise<LoadResult>;

const [url = '', connections = '10', seconds = '10'] = process.argv.slice(2);
const secret = process.env.TIKTOK_CLIENT_SECRET ?? '';

let sequence = 0;
/** Each request is a distinct, correctly signed delivery, so none is answered as a duplicate. */
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
    'tiktok-signature': signTikTok(secret, now, body),
  };
  return request;
};

const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(seconds),
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  requests: [{ setupRequest: nextDelivery }],
});
process.stdout.write(JSON.stringify(result));
