import { describe, expect, it } from 'vitest';
import { compileRoutes } from '../../local/http/http-routes.ts';
import { httpReplyOf } from '../../local/http/payload-v2.ts';

const ROUTES = [
  { routeKey: 'GET /links/{platform}/{videoId}', functionName: 'links' },
  { routeKey: 'GET /links/{platform}/{videoId}/portfolio', functionName: 'portfolio' },
  { routeKey: 'GET /links/tiktok/special', functionName: 'special' },
  { routeKey: 'POST /jobs/{jobId}/applications', functionName: 'apply' },
  { routeKey: 'ANY /jobs/{jobId}/applications', functionName: 'any-apply' },
  { routeKey: 'GET /files/{path+}', functionName: 'files' },
];

describe('HTTP API route selection', () => {
  const match = compileRoutes(ROUTES);

  it('binds path parameters, decoded', () => {
    expect(match('GET', '/links/tiktok/7312%2045')).toEqual({
      route: ROUTES[0],
      pathParameters: { platform: 'tiktok', videoId: '7312 45' },
    });
    expect(match('GET', '/links/youtube/abc/portfolio')?.route.functionName).toBe('portfolio');
  });

  it('prefers the most specific route, and an exact method over ANY', () => {
    expect(match('GET', '/links/tiktok/special')?.route.functionName).toBe('special');
    expect(match('POST', '/jobs/j1/applications')?.route.functionName).toBe('apply');
    expect(match('DELETE', '/jobs/j1/applications')?.route.functionName).toBe('any-apply');
  });

  it('lets a greedy parameter take the rest of the path', () => {
    expect(match('GET', '/files/a/b/c.txt')?.pathParameters).toEqual({ path: 'a/b/c.txt' });
  });

  it('matches nothing for other paths, methods, empty segments or a trailing slash', () => {
    expect(match('GET', '/links/tiktok')).toBeUndefined();
    expect(match('POST', '/links/tiktok/1')).toBeUndefined();
    expect(match('GET', '/links//1')).toBeUndefined();
    expect(match('GET', '/links/tiktok/1/')).toBeUndefined();
    expect(match('GET', '/links/tiktok/%E0%A4%A')).toBeUndefined();
  });
});

describe('payload 2.0 responses', () => {
  it('passes a structured result through, decoding a base64 body and keeping cookies', () => {
    const reply = httpReplyOf({
      statusCode: 302,
      headers: { Location: 'https://contra.com/maya', 'X-Count': 2 },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('moved').toString('base64'),
      isBase64Encoded: true,
    });
    expect(reply).toEqual({
      statusCode: 302,
      headers: { location: 'https://contra.com/maya', 'x-count': '2' },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('moved'),
    });
  });

  it('turns anything else into a 200 JSON body, as API Gateway infers', () => {
    expect(httpReplyOf({ status: 'ok' })).toMatchObject({
      statusCode: 200,
      body: Buffer.from('{"status":"ok"}'),
    });
    expect(httpReplyOf(null)).toMatchObject({ statusCode: 200, body: Buffer.from('null') });
  });

  it('answers 500 for a status code that is not one', () => {
    expect(httpReplyOf({ statusCode: 'teapot' }).statusCode).toBe(500);
    expect(httpReplyOf({ statusCode: 99 }).statusCode).toBe(500);
  });
});
