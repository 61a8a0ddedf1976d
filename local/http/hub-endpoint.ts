import type { IncomingMessage } from 'node:http';
import type { YouTubeHub } from '../youtube-hub.ts';
import { problemReply } from './local-http-server.ts';
import type { HttpReply } from './payload-v2.ts';

/**
 * The stack's own WebSub hub seen from outside: `GET /_local/websub-hub` lists what it verified, and
 * `POST /_local/websub-hub/publish?topic=…` with an Atom feed makes it deliver the feed to the topic's
 * subscriber as a hub does (to the callback, signed with the subscriber's hub.secret): the one way a YouTube
 * notification reaches the stack offline exactly as it would from Google's hub.
 */

export const HUB_ENDPOINT_PATH = '/_local/websub-hub';
export const HUB_PUBLISH_PATH = `${HUB_ENDPOINT_PATH}/publish`;

/** What publishing answers: the subscriber's own answer to the delivery. */
export interface HubPublishResult {
  readonly topic: string;
  readonly callbackStatus: number;
}

const json = (statusCode: number, value: unknown): HttpReply => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify(value)),
});

const state = ({ url, local }: YouTubeHub): HttpReply =>
  json(200, {
    url,
    local: local !== undefined,
    // Callbacks and secrets stay in the hub: a callback's query string carries its subscription's token.
    subscriptions: [...(local?.subscriptions ?? [])].map(([topic, { leaseSeconds }]) => ({
      topic,
      leaseSeconds,
    })),
    verifications: local?.verifications ?? [],
  });

const publish = async (hub: YouTubeHub, request: IncomingMessage, body: Buffer): Promise<HttpReply> => {
  if (!hub.local) {
    return problemReply(
      409,
      'Conflict',
      `the stack subscribes at ${hub.url} (YOUTUBE_HUB_URL), not at a hub of its own: publish there`,
    );
  }
  // A form post from a web page cannot carry this type without a CORS preflight, which is never allowed.
  if (!/^application\/atom\+xml\b/.test(request.headers['content-type'] ?? '')) {
    return problemReply(
      415,
      'Unsupported Media Type',
      'a WebSub notification is an application/atom+xml feed',
    );
  }
  const topic = new URL(request.url ?? '/', 'http://localhost').searchParams.get('topic') ?? '';
  if (!hub.local.subscriptions.has(topic)) {
    return problemReply(
      404,
      'Not Found',
      `the hub has no verified subscriber for ${topic || 'an empty topic'} (has a profile linked the channel?)`,
    );
  }
  try {
    const callbackStatus = await hub.local.publish(topic, body.toString('utf8'));
    return json(200, { topic, callbackStatus } satisfies HubPublishResult);
  } catch (error) {
    return problemReply(
      502,
      'Bad Gateway',
      `the subscriber did not answer: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
};

/** Undefined for a path that is not the hub's. */
export const hubEndpoint = (
  hub: YouTubeHub,
  request: IncomingMessage,
  body: Buffer,
): Promise<HttpReply> | HttpReply | undefined => {
  const path = (request.url ?? '/').split('?')[0];
  if (path === HUB_ENDPOINT_PATH && request.method === 'GET') return state(hub);
  if (path === HUB_PUBLISH_PATH && request.method === 'POST') return publish(hub, request, body);
  return undefined;
};
