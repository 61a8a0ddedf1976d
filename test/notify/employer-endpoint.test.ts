import { afterEach, describe, expect, it } from 'vitest';
import { GuardedEmployerEndpoint, parseRetryAfter } from '#notify/employer-endpoint.ts';
import { employerSecret } from '#notify/employer-secret.ts';
import type { Resolver } from '#notify/ssrf.ts';
import { EmployerServer } from '../../local/testing/employer-server.ts';

const secret = employerSecret('master-key', 'emp_northwind');
const servers: EmployerServer[] = [];
const start = async (...replies: Parameters<EmployerServer['answer']>) => {
  const server = (await EmployerServer.start(secret)).answer(...replies);
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Resolves every name to loopback and counts the lookups (a rebinding DNS would answer differently later). */
const loopbackResolver = () => {
  const lookups: string[] = [];
  const resolve: Resolver = async (hostname) => {
    lookups.push(hostname);
    return [{ address: '127.0.0.1', family: 4 }];
  };
  return { resolve, lookups };
};

const localEndpoint = (timeoutMs?: number) =>
  new GuardedEmployerEndpoint({ local: true, resolve: loopbackResolver().resolve }, timeoutMs);

const request = (url: string) => ({
  url,
  headers: { 'content-type': 'application/json', 'webhook-id': 'app_1' },
  body: '{"type":"application.received"}',
});

describe('GuardedEmployerEndpoint', () => {
  it('delivers on 2xx, sending the body and headers as given', async () => {
    const employer = await start({ status: 204 });
    await expect(localEndpoint().post(request(employer.url('/hook?tenant=7')))).resolves.toEqual({
      kind: 'delivered',
      status: 204,
      durationMs: expect.any(Number),
    });
    expect(employer.received).toHaveLength(1);
    expect(employer.received[0]?.body).toBe('{"type":"application.received"}');
    expect(employer.received[0]?.headers['webhook-id']).toBe('app_1');
    expect(employer.received[0]?.headers['content-length']).toBe('31');
  });

  it('reports 410 as gone', async () => {
    const employer = await start({ status: 410 });
    await expect(localEndpoint().post(request(employer.url()))).resolves.toEqual({
      kind: 'gone',
      status: 410,
      durationMs: expect.any(Number),
    });
  });

  it.each([400, 401, 404, 409, 500, 502, 503])('reports %i as a failure worth retrying', async (status) => {
    const employer = await start({ status });
    await expect(localEndpoint().post(request(employer.url()))).resolves.toEqual({
      kind: 'failed',
      reason: `employer endpoint answered ${status}`,
      status,
      durationMs: expect.any(Number),
    });
  });

  it('passes on how long a 429 asks to wait', async () => {
    const employer = await start({ status: 429, headers: { 'retry-after': '120' } });
    await expect(localEndpoint().post(request(employer.url()))).resolves.toMatchObject({
      kind: 'failed',
      retryAfterSeconds: 120,
    });
  });

  it('never follows a redirect: 3xx is a failure and the target is never contacted', async () => {
    const target = await start({ status: 204 });
    const employer = await start(
      { status: 302, headers: { location: target.url('/internal') } },
      { status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
    );
    const endpoint = localEndpoint();
    await expect(endpoint.post(request(employer.url()))).resolves.toEqual({
      kind: 'failed',
      reason: 'employer endpoint answered 302 (redirects are not followed)',
      status: 302,
      durationMs: expect.any(Number),
    });
    await expect(endpoint.post(request(employer.url()))).resolves.toMatchObject({ kind: 'failed' });
    expect(employer.received).toHaveLength(2);
    expect(target.received).toHaveLength(0);
  });

  it('gives up on an employer that does not answer within the timeout', async () => {
    // An employer that answers only after the test's own timeout: without a timeout of its own the endpoint
    // would still be waiting, so the outcome below proves the timeout, whatever the machine's speed.
    const employer = await start({ status: 204, delayMs: 600_000 });
    await expect(localEndpoint(200).post(request(employer.url()))).resolves.toEqual({
      kind: 'failed',
      reason: 'employer endpoint unreachable: no response within 0.2 s',
      durationMs: expect.any(Number),
    });
  });

  it('reports a closed port as a failure worth retrying', async () => {
    const employer = await start();
    const url = employer.url();
    await employer.close();
    servers.splice(servers.indexOf(employer), 1);
    await expect(localEndpoint().post(request(url))).resolves.toMatchObject({
      kind: 'failed',
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('refuses, without connecting, a host name that resolves to a non-public address', async () => {
    const employer = await start({ status: 204 });
    const dns = loopbackResolver();
    const cloudEndpoint = new GuardedEmployerEndpoint({ local: false, resolve: dns.resolve });
    await expect(
      cloudEndpoint.post(request(`https://employer.example:${employer.port}/hook`)),
    ).resolves.toEqual({
      kind: 'refused',
      reason: 'notifyUrl host employer.example resolves to 127.0.0.1 (loopback)',
      durationMs: expect.any(Number),
    });
    expect(dns.lookups).toEqual(['employer.example']);
    expect(employer.received).toHaveLength(0);
  });

  it('refuses plain http outside local mode', async () => {
    const employer = await start({ status: 204 });
    const cloudEndpoint = new GuardedEmployerEndpoint({ local: false, resolve: loopbackResolver().resolve });
    await expect(cloudEndpoint.post(request(employer.url()))).resolves.toMatchObject({ kind: 'refused' });
    expect(employer.received).toHaveLength(0);
  });

  it('connects to the address it checked, resolving the name once and keeping it as the Host', async () => {
    const employer = await start({ status: 200 });
    const dns = loopbackResolver();
    const endpoint = new GuardedEmployerEndpoint({ local: true, resolve: dns.resolve });
    await expect(endpoint.post(request(`http://localhost:${employer.port}/hook`))).resolves.toMatchObject({
      kind: 'delivered',
    });
    expect(dns.lookups).toEqual(['localhost']);
    expect(employer.received[0]?.headers.host).toBe(`localhost:${employer.port}`);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-21T18:30:00Z');
  it.each([
    ['120', 120],
    [' 5 ', 5],
    ['Sat, 21 Nov 2026 18:32:00 GMT', 120],
    ['Sat, 21 Nov 2026 18:00:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s → %s', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
});
