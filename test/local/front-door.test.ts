import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_READ_MAX_AGE_SECONDS } from '#shared/http.ts';
import { VIEWER_RATE_LIMIT } from '../../lib/front-door.ts';
import { logicalIds } from '../../lib/names.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { startDevStack } from '../support/run-assembly.ts';
import { contraWebhook, tiktokWebhook, viewerToken } from './platform-clients.ts';

/**
 * The synthesized dev stack on this machine, its API port being the CloudFront distribution: the cache
 * behaviours, the cache policy and the error caching come from the template, and a clock of the test's own
 * moves time on (no sleeping for a TTL).
 */
describe('the local front door: CloudFront’s cache from the template', () => {
  let stack: LocalStack;
  let now = Date.UTC(2026, 0, 1);
  const profileId = `prof_${randomUUID()}`;
  const openId = `open_${randomUUID()}`;
  const videoId = `7${Date.now()}`;
  const linksPath = `/links/tiktok/${videoId}`;

  /** Invocations of a function by the API so far. */
  const invocationsOf = (functionName: 'linksApi' | 'applicationsApi' | 'webhooks'): number => {
    const fn = [...stack.functions.values()].find(
      (candidate) => candidate.definition.logicalId === logicalIds.function(functionName),
    );
    return stack.activity
      .recent()
      .filter(
        (record) =>
          record.kind === 'invocation' && record.trigger === 'http' && record.functionName === fn?.name,
      ).length;
  };
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.url}${path}`, { headers });

  const agents = new Map<string, Agent>();
  /** A GET from another loopback address: WAF counts per client IP, and 127.0.0.0/8 is all this machine. */
  const getFrom = (address: string, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      let agent = agents.get(address);
      if (agent === undefined) {
        agent = new Agent({ keepAlive: true, maxSockets: 1 });
        agents.set(address, agent);
      }
      const url = new URL(path, stack.url);
      const outgoing = request(
        { host: url.hostname, port: url.port, path: url.pathname, localAddress: address, agent },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });

  beforeAll(async () => {
    stack = await startDevStack({ env: {}, frontDoorClock: () => now });
    // The platforms' signed deliveries reach the webhooks function through the distribution.
    const profile = await contraWebhook(stack.url, 'profile.updated', {
      profileId,
      version: 1,
      handle: 'maya',
      displayName: 'Maya',
      portfolioUrl: 'https://contra.com/maya',
      showPortfolioLink: true,
      linkedAccounts: [{ platform: 'tiktok', accountId: openId }],
      updatedAt: new Date().toISOString(),
    });
    expect(profile.status).toBe(200);
    const posted = await tiktokWebhook(stack.url, 'post.publish.publicly_available', openId, {
      publish_id: 'p1',
      post_id: videoId,
    });
    expect(posted.status).toBe(200);
    // 404s are never cached, so polling through the cache sees the link as soon as it exists.
    await eventually(
      async () => {
        // A second between polls: they stay under the route's throttle, whose clock is this test's.
        now += 1_000;
        return (await get(linksPath)).status === 200 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the video’s portfolio link' },
    );
    now += PUBLIC_READ_MAX_AGE_SECONDS * 1000;
  });
  afterAll(async () => {
    for (const agent of agents.values()) agent.destroy();
    await stack?.stop();
  });

  it('serves a read from the cache without invoking the function, keyed on the path alone', async () => {
    const before = invocationsOf('linksApi');
    const miss = await get(linksPath);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(miss.headers.get('cache-control')).toBe(`public, max-age=${PUBLIC_READ_MAX_AGE_SECONDS}`);
    const body = await miss.json();
    expect(invocationsOf('linksApi')).toBe(before + 1);

    now += 3_000;
    const hit = await get(`${linksPath}?utm=${randomUUID()}`, { authorization: 'Bearer anything' });
    expect(hit.headers.get('x-cache')).toBe('Hit from cloudfront');
    expect(hit.headers.get('age')).toBe('3');
    expect(await hit.json()).toEqual(body);
    expect(invocationsOf('linksApi')).toBe(before + 1);
  });

  it('asks the origin again once the TTL has passed', async () => {
    await get(linksPath);
    const before = invocationsOf('linksApi');
    now += PUBLIC_READ_MAX_AGE_SECONDS * 1000;
    const expired = await get(linksPath);
    expect(expired.headers.get('x-cache')).toBe('Miss from cloudfront');
    expect(invocationsOf('linksApi')).toBe(before + 1);
  });

  it('never caches an error or a redirect', async () => {
    const before = invocationsOf('linksApi');
    for (let attempt = 0; attempt < 2; attempt++) {
      const missing = await get('/links/tiktok/no-such-video');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('cache-control')).toBe('no-store');
      expect(missing.headers.get('x-cache')).toBe('Error from cloudfront');
      const redirect = await fetch(`${stack.url}${linksPath}/portfolio`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('x-cache')).toBe('Miss from cloudfront');
    }
    expect(invocationsOf('linksApi')).toBe(before + 4);
  });

  it('passes authenticated and counted routes through, with the Authorization header', async () => {
    const before = invocationsOf('applicationsApi');
    const token = await viewerToken(profileId);
    for (let attempt = 0; attempt < 2; attempt++) {
      const page = await get('/jobs/no-such-job/apply');
      expect(page.headers.get('x-cache')).toMatch(/^(Miss|Error) from cloudfront$/);
      const anonymous = await fetch(`${stack.url}/jobs/no-such-job/applications`, { method: 'POST' });
      expect(anonymous.status).toBe(401);
      // With the viewer's token the function gets past the token check: the header reached it.
      const signedIn = await fetch(`${stack.url}/jobs/no-such-job/applications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(signedIn.status).toBe(404);
    }
    expect(invocationsOf('applicationsApi')).toBe(before + 6);
  });

  it('refuses a method the cached path’s behaviour does not allow, as CloudFront does', async () => {
    const before = invocationsOf('linksApi');
    const refused = await fetch(`${stack.url}${linksPath}`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-cache')).toBe('Error from cloudfront');
    expect(await refused.text()).toContain('not configured to allow the HTTP request method');
    expect(invocationsOf('linksApi')).toBe(before);
  });

  describe('WAF’s per-IP rate rule from the template', () => {
    const flooder = '127.0.0.2';

    it('blocks one IP flooding the apply page, with CloudFront’s 403 page', async () => {
      const statuses: number[] = [];
      for (let count = 0; count < VIEWER_RATE_LIMIT.requests; count++) {
        statuses.push((await getFrom(flooder, '/jobs/no-such-job/apply')).status);
      }
      // The rule counts them all; the API's own throttle refuses some of them (its clock stands still here).
      expect(statuses.filter((status) => status === 403)).toEqual([]);
      expect(statuses.every((status) => status === 404 || status === 429)).toBe(true);
      const blocked = await getFrom(flooder, '/jobs/no-such-job/apply');
      expect(blocked.status).toBe(403);
      expect(blocked.body).toContain('Request blocked.');
      expect(blocked.body).toContain('Generated by cloudfront (CloudFront)');
    });

    it('never on the platforms’ reads of /links, and never another IP', async () => {
      now += 1_000;
      expect((await getFrom(flooder, linksPath)).status).toBe(200);
      expect((await getFrom(flooder, '/jobs/no-such-job/apply')).status).toBe(403);
      expect((await getFrom('127.0.0.3', '/jobs/no-such-job/apply')).status).toBe(404);
    });

    it('lets the IP back in once its rate over the window is under the limit', async () => {
      now += VIEWER_RATE_LIMIT.windowSeconds * 1000;
      expect((await getFrom(flooder, '/jobs/no-such-job/apply')).status).toBe(404);
    });
  });
});
