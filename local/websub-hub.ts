import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { signYouTube } from '#webhooks/youtube.ts';
import { localOnlyRefusal } from './http/local-only.ts';

/**
 * A WebSub hub on 127.0.0.1, behaving as Google's does (W3C WebSub §5): it takes a form-encoded subscribe or
 * unsubscribe request, answers 202 Accepted, and then verifies the intent of the subscriber with a GET to
 * the callback carrying `hub.mode`, `hub.topic`, `hub.challenge` and (for subscribe) `hub.lease_seconds`.
 * Only a 2xx answer echoing the challenge verifies it. It can also deliver a notification to its
 * subscribers, signed with their `hub.secret`, and be taken down.
 *
 * `npm start` runs one by default (local/youtube-hub.ts) and the tests start it in-process; `npm run hub` runs
 * one in the foreground for `YOUTUBE_HUB_URL=… npm start`, logging each request and verification.
 */

export interface ReceivedRequest {
  readonly mode: string;
  readonly topic: string;
  readonly callback: string;
  readonly secret: string | undefined;
  readonly leaseSeconds: number | undefined;
  readonly contentType: string | undefined;
}

export interface Verification {
  readonly mode: string;
  readonly topic: string;
  readonly status: number;
  /** The callback echoed the challenge with a 2xx: the hub acts on the request. */
  readonly verified: boolean;
}

export interface Subscription {
  readonly callback: string;
  readonly secret: string | undefined;
  readonly leaseSeconds: number;
}

export interface LocalHub {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  readonly verifications: Verification[];
  /** Active subscriptions by topic (one subscriber per topic here). */
  readonly subscriptions: Map<string, Subscription>;
  /** While true, the hub answers every request 503 and verifies nothing. */
  down: boolean;
  /** The topics of the requests answered 503 while down. */
  readonly refused: string[];
  /** The lease the hub grants (Google grants about five days, whatever is asked). */
  grantedLeaseSeconds: number;
  /** While true, verifications wait in order until `releaseVerifications` (to let requests cross). */
  holdVerifications: boolean;
  releaseVerifications(): Promise<void>;
  /** Resolves once every verification started so far has finished. */
  settled(): Promise<void>;
  /** POSTs a notification to the topic's subscriber, signed as the hub signs; returns the callback's status. */
  publish(topic: string, body: string): Promise<number>;
  close(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export interface LocalHubOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Told of each request and verification, one line each. */
  readonly log?: (line: string) => void;
  /** The web pages it answers (a hub serves subscribers, not browsers). @default none */
  readonly browserOrigins?: readonly string[];
}

export const startLocalHub = async (options: LocalHubOptions = {}): Promise<LocalHub> => {
  const log = options.log ?? (() => undefined);
  const pendingVerifications = new Set<Promise<void>>();
  const held: ReceivedRequest[] = [];

  const verify = async (received: ReceivedRequest): Promise<void> => {
    const challenge = randomBytes(16).toString('hex');
    // The callback's own query (ReelHire's token) is kept; the hub.* parameters are added to it (WebSub §5.3).
    const url = new URL(received.callback);
    url.searchParams.set('hub.mode', received.mode);
    url.searchParams.set('hub.topic', received.topic);
    url.searchParams.set('hub.challenge', challenge);
    if (received.mode === 'subscribe')
      url.searchParams.set('hub.lease_seconds', String(hub.grantedLeaseSeconds));
    let status = 0;
    let verified = false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      status = response.status;
      verified = response.ok && (await response.text()) === challenge;
    } catch {
      status = 0;
    }
    hub.verifications.push({ mode: received.mode, topic: received.topic, status, verified });
    log(`${verified ? 'verified' : `not verified (${status})`}: ${received.mode} ${received.topic}`);
    if (!verified) return;
    if (received.mode === 'subscribe') {
      hub.subscriptions.set(received.topic, {
        callback: received.callback,
        secret: received.secret,
        leaseSeconds: hub.grantedLeaseSeconds,
      });
    } else if (hub.subscriptions.get(received.topic)?.callback === received.callback) {
      // A hub keys a subscription by topic and callback: an unsubscribe naming another callback ends nothing.
      hub.subscriptions.delete(received.topic);
    }
  };

  const server: Server = createServer((request, response) => {
    // A hub on loopback serves this machine's subscribers: not a rebound name, not a web page (CONTRACT §5).
    const refusal = localOnlyRefusal(request.headers, options.browserOrigins ?? []);
    if (refusal !== undefined) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end(refusal);
      return;
    }
    const handle = async () => {
      const form = new URLSearchParams(await readBody(request));
      if (hub.down) {
        hub.refused.push(form.get('hub.topic') ?? '');
        response.writeHead(503, { 'content-type': 'text/plain' }).end('hub temporarily unavailable');
        return;
      }
      const mode = form.get('hub.mode') ?? '';
      const topic = form.get('hub.topic') ?? '';
      const callback = form.get('hub.callback') ?? '';
      if (
        request.method !== 'POST' ||
        !['subscribe', 'unsubscribe'].includes(mode) ||
        !topic ||
        !URL.canParse(callback)
      ) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('bad subscription request');
        return;
      }
      const lease = form.get('hub.lease_seconds');
      const received: ReceivedRequest = {
        mode,
        topic,
        callback,
        secret: form.get('hub.secret') ?? undefined,
        leaseSeconds: lease === null ? undefined : Number(lease),
        contentType: request.headers['content-type'],
      };
      hub.requests.push(received);
      // Logged without its query string: a subscriber's callback may carry a secret token there.
      log(
        `${mode} requested for ${topic} → ${callback.split('?')[0]} (lease ${lease ?? 'default'} s); verifying`,
      );
      response.writeHead(202).end();
      if (hub.holdVerifications) {
        held.push(received);
        return;
      }
      // Verification happens after the 202, as with Google's hub (asynchronous verification).
      const verification = verify(received).finally(() => pendingVerifications.delete(verification));
      pendingVerifications.add(verification);
    };
    handle().catch(() => {
      response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const hub: LocalHub = {
    url: `http://127.0.0.1:${port}/subscribe`,
    requests: [],
    verifications: [],
    subscriptions: new Map(),
    down: false,
    refused: [],
    grantedLeaseSeconds: 432_000,
    holdVerifications: false,
    async releaseVerifications() {
      hub.holdVerifications = false;
      for (const received of held.splice(0)) await verify(received);
    },
    async settled() {
      await Promise.allSettled([...pendingVerifications]);
    },
    async publish(topic, body) {
      const subscription = hub.subscriptions.get(topic);
      if (!subscription) throw new Error(`no subscriber for ${topic}`);
      const response = await fetch(subscription.callback, {
        method: 'POST',
        headers: {
          'content-type': 'application/atom+xml',
          ...(subscription.secret
            ? { 'x-hub-signature': signYouTube(subscription.secret, body, 'sha1') }
            : {}),
        },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    },
    async close() {
      await Promise.allSettled([...pendingVerifications]);
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
  return hub;
};

// `npm run hub [-- --port N]`: the hub in the foreground for `YOUTUBE_HUB_URL=<url> npm start`.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const portFlag = process.argv.indexOf('--port');
  const port = Number(portFlag >= 0 ? process.argv[portFlag + 1] : (process.env.HUB_PORT ?? 8090));
  const hub = await startLocalHub({ port, log: (line) => console.log(`[hub] ${line}`) });
  console.log(`Local WebSub hub at ${hub.url}`);
  console.log(`Start ReelHire with: YOUTUBE_HUB_URL=${hub.url} npm start`);
  const stop = () => {
    void hub.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
