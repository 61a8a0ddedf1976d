import type { HttpReply } from '../http/payload-v2.ts';
import type { CachePolicyModel } from './distribution-model.ts';

/**
 * How long CloudFront keeps an origin's answer, and the cache that keeps it. The rules are the developer
 * guide's ("Manage how long content stays in the cache", "How CloudFront processes HTTP 4xx and 5xx status
 * codes from your origin"), for one edge location.
 */

export interface CacheControl {
  readonly maxAge: number | undefined;
  readonly sMaxAge: number | undefined;
  /** no-store, no-cache or private: CloudFront treats the three alike. */
  readonly forbidsCaching: boolean;
}

export const cacheControlOf = (header: string | undefined): CacheControl => {
  const directives = new Map<string, string | undefined>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', value] = part.trim().split('=', 2);
    if (name !== '') directives.set(name.toLowerCase(), value?.replace(/^"|"$/g, ''));
  }
  const seconds = (name: string): number | undefined => {
    const value = directives.get(name);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  return {
    maxAge: seconds('max-age'),
    sMaxAge: seconds('s-maxage'),
    forbidsCaching: ['no-store', 'no-cache', 'private'].some((name) => directives.has(name)),
  };
};

/** Error statuses CloudFront caches even when the origin says nothing about caching. */
const ERRORS_CACHED_BY_DEFAULT = new Set([404, 414, 500, 501, 502, 503, 504]);
/** Error statuses it caches only when the origin gives them a max-age. */
const ERRORS_CACHED_WITH_MAX_AGE = new Set([400, 403, 405, 412, 415]);
/** The error statuses for which no-store, no-cache or private keep CloudFront from caching. */
const ERRORS_THAT_HONOUR_NO_STORE = new Set([404, 410, 414, 501]);
/** Error Caching Minimum TTL when the distribution sets none. */
export const DEFAULT_ERROR_CACHING_MIN_TTL = 10;

/**
 * Seconds CloudFront keeps an origin's answer under a cache policy; 0 when it does not keep it. A behaviour
 * whose policy allows no caching at all (MaxTTL 0, as CachingDisabled) keeps nothing, errors included.
 */
export const ttlOf = (
  statusCode: number,
  cacheControl: CacheControl,
  policy: CachePolicyModel,
  errorCachingMinTtl: number = DEFAULT_ERROR_CACHING_MIN_TTL,
): number => {
  if (policy.maxTtl <= 0) return 0;
  const fromOrigin = cacheControl.sMaxAge ?? cacheControl.maxAge;
  const capped = fromOrigin === undefined ? undefined : Math.min(fromOrigin, policy.maxTtl);
  if (statusCode >= 400) {
    if (ERRORS_CACHED_BY_DEFAULT.has(statusCode)) {
      if (cacheControl.forbidsCaching && ERRORS_THAT_HONOUR_NO_STORE.has(statusCode)) return 0;
      return Math.max(capped ?? 0, errorCachingMinTtl);
    }
    if (ERRORS_CACHED_WITH_MAX_AGE.has(statusCode) && capped !== undefined) {
      return Math.max(capped, errorCachingMinTtl);
    }
    return 0;
  }
  if (cacheControl.forbidsCaching) return policy.minTtl;
  if (capped !== undefined) return Math.max(capped, policy.minTtl);
  return policy.defaultTtl;
};

interface Stored {
  readonly reply: HttpReply;
  readonly storedAt: number;
  readonly expiresAt: number;
}

/** One edge location's cache: answers by cache key until they expire, bounded in size. */
export class EdgeCache {
  private readonly entries = new Map<string, Stored>();

  constructor(
    private readonly clock: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  /** A fresh answer and its age in seconds, or undefined. */
  get(key: string): { readonly reply: HttpReply; readonly ageSeconds: number } | undefined {
    const stored = this.entries.get(key);
    if (stored === undefined) return undefined;
    const now = this.clock();
    if (now >= stored.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return { reply: stored.reply, ageSeconds: Math.floor((now - stored.storedAt) / 1000) };
  }

  /** @param storedAt when the request came in: the answer's age counts from there, as it does at the edge */
  put(key: string, reply: HttpReply, ttlSeconds: number, storedAt: number = this.clock()): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // The oldest entry goes: Map keeps insertion order.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { reply, storedAt, expiresAt: storedAt + ttlSeconds * 1000 });
  }
}
