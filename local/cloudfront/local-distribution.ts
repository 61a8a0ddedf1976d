import type { Origin } from '../apigateway/local-http-api.ts';
import { type EdgeRequest, headerOf } from '../http/edge-request.ts';
import type { HttpReply } from '../http/payload-v2.ts';
import { fromEdge, methodNotAllowed } from './cloudfront-replies.ts';
import {
  type BehaviourModel,
  behaviourFor,
  type DistributionModel,
  type Selection,
} from './distribution-model.ts';
import { cacheControlOf, EdgeCache, ttlOf } from './edge-cache.ts';

export interface LocalDistributionInput {
  readonly distribution: DistributionModel;
  /** The HTTP API behind it. */
  readonly origin: Origin;
  /** The origin's host name, which CloudFront sends as Host. */
  readonly originHost: string;
  readonly clock: () => number;
}

/** API Gateway's answer to a Host it does not serve. */
const API_GATEWAY_FORBIDDEN: HttpReply = {
  statusCode: 403,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message: 'Forbidden' })),
};

/** Headers that belong to one connection, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const selects = (selection: Selection, name: string): boolean => {
  switch (selection.behavior) {
    case 'all':
      return true;
    case 'whitelist':
      return selection.names.includes(name);
    case 'allExcept':
      return !selection.names.includes(name);
    default:
      return false;
  }
};

/** What of the viewer's request reaches the origin: the cache key's values and the origin request policy's. */
const forwards = (behaviour: BehaviourModel, part: 'headers' | 'cookies' | 'queryStrings', name: string) =>
  selects(behaviour.cachePolicy[part], name) ||
  (behaviour.originRequestPolicy !== undefined && selects(behaviour.originRequestPolicy[part], name));

const queryPairs = (query: string): [string, string][] =>
  query === ''
    ? []
    : query.split('&').map((pair) => {
        const equals = pair.indexOf('=');
        return equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
      });

const cookiePairs = (request: EdgeRequest): string[] =>
  (headerOf(request, 'cookie') ?? '').split(/;\s*/).filter((cookie) => cookie.length > 0);

const cookieName = (cookie: string): string => cookie.split('=', 1)[0] ?? '';

/** The cache key: the path and whatever the cache policy adds (GET and HEAD share an entry). */
const cacheKeyOf = (request: EdgeRequest, behaviour: BehaviourModel): string => {
  const policy = behaviour.cachePolicy;
  const headers = Object.keys(request.headers)
    .filter((name) => selects(policy.headers, name))
    .sort()
    .map((name) => `${name}:${headerOf(request, name)}`);
  const query = queryPairs(request.query).filter(([name]) => selects(policy.queryStrings, name));
  const cookies = cookiePairs(request).filter((cookie) => selects(policy.cookies, cookieName(cookie)));
  return JSON.stringify([request.path, query, headers, cookies]);
};

/** The request CloudFront sends the origin: Host set to the origin, the rest as the policies select. */
const originRequestOf = (
  request: EdgeRequest,
  behaviour: BehaviourModel,
  originHost: string,
): EdgeRequest => {
  const headers: Record<string, readonly string[]> = {};
  for (const [name, values] of Object.entries(request.headers)) {
    if (name === 'host' || name === 'cookie' || HOP_BY_HOP.has(name)) continue;
    if (forwards(behaviour, 'headers', name)) headers[name] = values;
  }
  const cookies = cookiePairs(request).filter((cookie) => forwards(behaviour, 'cookies', cookieName(cookie)));
  if (cookies.length > 0) headers.cookie = [cookies.join('; ')];
  headers.host = [originHost];
  if (headers['user-agent'] === undefined) headers['user-agent'] = ['Amazon CloudFront'];
  // CloudFront appends the viewer's address to any X-Forwarded-For the viewer sent.
  const forwardedFor = headerOf(request, 'x-forwarded-for');
  headers['x-forwarded-for'] = [forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp];
  headers.via = ['1.1 local.cloudfront.net (CloudFront)'];
  const query = queryPairs(request.query)
    .filter(([name]) => forwards(behaviour, 'queryStrings', name))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  // The origin sees the edge's address, not the viewer's.
  return { ...request, headers, query, sourceIp: '127.0.0.1' };
};

/**
 * A CloudFront distribution on this machine, one edge location: the behaviour that the path selects decides
 * which methods it takes (CloudFront's own 403 otherwise), whether a GET or HEAD is answered from the cache
 * (by its cache key, while the answer's TTL lasts) and what of the request reaches the origin. Every answer
 * carries CloudFront's headers: `x-cache` Hit, Miss or Error from cloudfront, and `age` on a hit.
 */
export const localDistribution = ({
  distribution,
  origin,
  originHost,
  clock,
}: LocalDistributionInput): Origin => {
  const cache = new EdgeCache(clock);
  return async (request) => {
    const arrivedAt = clock();
    const behaviour = behaviourFor(distribution, request.path);
    if (!behaviour.allowedMethods.includes(request.method)) return methodNotAllowed();
    // Forwarding the viewer's Host (AllViewer) hands API Gateway the distribution's domain, which it refuses.
    if (forwards(behaviour, 'headers', 'host')) return fromEdge(API_GATEWAY_FORBIDDEN, 'Error');
    const key = behaviour.cachedMethods.includes(request.method) ? cacheKeyOf(request, behaviour) : undefined;
    const cached = key === undefined ? undefined : cache.get(key);
    if (cached !== undefined) return fromEdge(cached.reply, 'Hit', cached.ageSeconds);

    const reply: HttpReply = await origin(originRequestOf(request, behaviour, originHost));
    // A HEAD's answer has no body to serve a GET with: only a GET fills the entry both read.
    if (key !== undefined && request.method === 'GET') {
      const ttl = ttlOf(
        reply.statusCode,
        cacheControlOf(reply.headers['cache-control']),
        behaviour.cachePolicy,
        distribution.errorCachingMinTtl.get(reply.statusCode),
      );
      if (ttl > 0) cache.put(key, reply, ttl, arrivedAt);
    }
    return fromEdge(reply, reply.statusCode >= 400 ? 'Error' : 'Miss');
  };
};
