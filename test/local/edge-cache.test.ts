import { describe, expect, it } from 'vitest';
import {
  type CachePolicyModel,
  distributionsOf,
  MANAGED_CACHE_POLICIES,
} from '../../local/cloudfront/distribution-model.ts';
import { cacheControlOf, EdgeCache, ttlOf } from '../../local/cloudfront/edge-cache.ts';
import { localDistribution } from '../../local/cloudfront/local-distribution.ts';

const publicReads: CachePolicyModel = {
  name: 'public reads',
  minTtl: 0,
  defaultTtl: 5,
  maxTtl: 5,
  headers: { behavior: 'none', names: [] },
  cookies: { behavior: 'none', names: [] },
  queryStrings: { behavior: 'none', names: [] },
};
const ttl = (status: number, cacheControl?: string, policy = publicReads, errorMin?: number) =>
  ttlOf(status, cacheControlOf(cacheControl), policy, errorMin);

describe('how long CloudFront keeps an answer (developer guide rules)', () => {
  it('a 200 keeps its max-age (s-maxage first) within the policy, or the default TTL without one', () => {
    expect(ttl(200, 'public, max-age=3')).toBe(3);
    expect(ttl(200, 'public, max-age=60')).toBe(5);
    expect(ttl(200, 'max-age=60, s-maxage=2')).toBe(2);
    expect(ttl(200)).toBe(5);
  });

  it('no-store, no-cache or private keep a 200 only for a minimum TTL above 0', () => {
    expect(ttl(200, 'no-store')).toBe(0);
    expect(ttl(302, 'private')).toBe(0);
    expect(ttl(200, 'no-cache', { ...publicReads, minTtl: 2 })).toBe(2);
  });

  it('errors: some kept 10 s by default, whatever no-store says on a 5xx; the distribution can set 0', () => {
    expect(ttl(404)).toBe(10);
    expect(ttl(404, 'no-store')).toBe(0);
    expect(ttl(503, 'no-store')).toBe(10);
    expect(ttl(503, undefined, publicReads, 0)).toBe(0);
    expect(ttl(403)).toBe(0);
    expect(ttl(403, 'max-age=3')).toBe(10);
    expect(ttl(401, 'max-age=3')).toBe(0);
    expect(ttl(429)).toBe(0);
  });

  it('a policy that caches nothing (CachingDisabled) keeps nothing', () => {
    const disabled = MANAGED_CACHE_POLICIES.get('4135ea2d-6df8-44a3-9df3-4b5a84be39ad')!;
    expect(ttl(200, 'public, max-age=60', disabled)).toBe(0);
    expect(ttl(500, undefined, disabled)).toBe(0);
  });
});

describe('the edge cache', () => {
  it('serves an entry with its age until it expires', () => {
    let now = 0;
    const cache = new EdgeCache(() => now);
    const reply = { statusCode: 200, headers: {}, cookies: [], body: Buffer.from('x') };
    cache.put('k', reply, 5);
    now = 4_999;
    expect(cache.get('k')).toEqual({ reply, ageSeconds: 4 });
    now = 5_000;
    expect(cache.get('k')).toBeUndefined();
  });

  it('stays within its size, dropping the oldest entry', () => {
    const cache = new EdgeCache(() => 0, 2);
    const reply = { statusCode: 200, headers: {}, cookies: [], body: Buffer.alloc(0) };
    cache.put('a', reply, 5);
    cache.put('b', reply, 5);
    cache.put('c', reply, 5);
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map((entry) => entry !== undefined)).toEqual([
      false,
      true,
      true,
    ]);
  });
});

describe('reading a distribution', () => {
  it('warns about a cache policy it does not know, and caches nothing there', () => {
    const warnings: string[] = [];
    const [distribution] = distributionsOf(
      [
        {
          stackName: 'S',
          logicalId: 'D',
          type: 'AWS::CloudFront::Distribution',
          properties: {
            DistributionConfig: { DefaultCacheBehavior: { CachePolicyId: 'unknown-managed-policy' } },
          },
          metadata: {},
          assemblyDir: '.',
          identity: { ref: 'D', attribute: () => undefined },
        },
      ],
      (message) => warnings.push(message),
    );
    expect(distribution?.behaviours[0]?.cachePolicy.maxTtl).toBe(0);
    expect(warnings).toEqual([expect.stringContaining('unknown-managed-policy')]);
  });
});

describe('an API Gateway origin behind CloudFront', () => {
  it('refuses the viewer’s Host when the behaviour forwards it (AllViewer): the origin must be told its own', async () => {
    const [distribution] = distributionsOf(
      [
        {
          stackName: 'S',
          logicalId: 'D',
          type: 'AWS::CloudFront::Distribution',
          properties: {
            DistributionConfig: {
              DefaultCacheBehavior: {
                CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
                OriginRequestPolicyId: '216adef6-5c7f-47e4-b989-5492eafa07d3',
              },
            },
          },
          metadata: {},
          assemblyDir: '.',
          identity: { ref: 'D', attribute: () => undefined },
        },
      ],
      () => undefined,
    );
    let reached = false;
    const edge = localDistribution({
      distribution: distribution!,
      origin: async () => {
        reached = true;
        return { statusCode: 200, headers: {}, cookies: [], body: Buffer.alloc(0) };
      },
      originHost: 'api.example',
      clock: () => 0,
    });
    const reply = await edge({
      method: 'GET',
      path: '/health',
      query: '',
      headers: { host: ['d111.cloudfront.net'] },
      body: Buffer.alloc(0),
      sourceIp: '198.51.100.7',
      httpVersion: '1.1',
      port: 443,
    });
    expect(reply.statusCode).toBe(403);
    expect(JSON.parse(reply.body.toString())).toEqual({ message: 'Forbidden' });
    expect(reached).toBe(false);
  });
});
