import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouteThrottles, TokenBucket } from '../../local/apigateway/route-throttles.ts';
import { type LocalStack, startLocalStack } from '../../local/local-stack.ts';
import { PROBE, PROBE_THROTTLES, writeProbeAssembly } from '../support/probe-assembly.ts';

describe('a token bucket, as API Gateway throttles', () => {
  it('lets a burst through at once, then one request per 1/rate seconds', () => {
    const bucket = new TokenBucket({ rateLimit: 2, burstLimit: 3 }, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    // Idle time refills the bucket up to its burst, never beyond.
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('a burst of 0 refuses everything', () => {
    const bucket = new TokenBucket({ rateLimit: 100, burstLimit: 0 }, 0);
    expect(bucket.take(10_000)).toBe(false);
  });

  it('a route without its own setting takes the stage default, and without that the account quota', () => {
    const throttles = new RouteThrottles(
      { defaultRoute: { rateLimit: 7 }, routes: new Map([['GET /own', { rateLimit: 1, burstLimit: 1 }]]) },
      () => 0,
    );
    expect(throttles.throttleOf('GET /own')).toEqual({ rateLimit: 1, burstLimit: 1 });
    expect(throttles.throttleOf('GET /other')).toEqual({ rateLimit: 7, burstLimit: 5_000 });
  });
});

describe('the local HTTP API applies the stage’s route throttles from the template', () => {
  let assemblyDir: string;
  let stack: LocalStack;
  let now = 1_000_000;
  const invocations = (): number =>
    stack.activity.recent().filter((record) => record.kind === 'invocation' && record.trigger === 'http')
      .length;

  beforeAll(async () => {
    assemblyDir = await writeProbeAssembly();
    stack = await startLocalStack({
      assemblyDir,
      synth: false,
      port: 0,
      dynamoPort: 0,
      env: {},
      schedules: false,
      warm: false,
      frontDoorClock: () => now,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(assemblyDir, { recursive: true, force: true });
  });

  it('answers 429 as API Gateway does once the route’s bucket is empty, without invoking the function', async () => {
    const { burstLimit } = PROBE_THROTTLES.limited;
    for (let request = 0; request < burstLimit; request++) {
      expect((await fetch(`${stack.url}/limited`)).status).toBe(200);
    }
    const before = invocations();
    const throttled = await fetch(`${stack.url}/limited`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('content-type')).toBe('application/json');
    expect(throttled.headers.get('apigw-requestid')).toBeTruthy();
    expect(await throttled.json()).toEqual({ message: 'Too Many Requests' });
    expect(invocations()).toBe(before);

    // Another route has its own bucket: unaffected.
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);

    // One second later the route has one token again (rate 1/s), and only one.
    now += 1_000;
    expect((await fetch(`${stack.url}/limited`)).status).toBe(200);
    expect((await fetch(`${stack.url}/limited`)).status).toBe(429);
  });

  it('the probe function is the one behind the throttled route', () => {
    expect(stack.routes).toContainEqual({ routeKey: 'GET /limited', functionName: PROBE.probeFunction });
  });
});
