import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/local-stack.ts';
import { type EnforcedEndpoints, startEnforcedEndpoints } from '../iam/enforced-endpoints.ts';
import { PROBE, writeProbeAssembly } from '../support/probe-assembly.ts';
import { corsHeadersOf, sendRaw } from '../support/raw-http.ts';
import { useShared } from '../support/shared-resource.ts';

/**
 * CONTRACT §5: every endpoint that serves the developer (PutEvents, SQS and Secrets Manager on the API port, the
 * embedded DynamoDB, the console and `/_local/*`, the stack's WebSub hub, and the standalone Secrets Manager and
 * IAM fronts the tests start) answers 403 without CORS headers to a Host that is not loopback's (DNS rebinding)
 * and to a browser Origin that is not the console's; the public API routes answer any Host. Requests go out with node:http, which sends the Host and Origin it is given, as a
 * browser does for a rebound name or a cross-origin fetch (the real browser's view is
 * reliability/attacks/local-endpoint-attacks.ts, run by test/reliability/security.test.ts).
 */

const REBOUND = 'rebind.attacker.example';
const ATTACKER = 'https://attacker.example';

let assemblyDir: string;
let stack: LocalStack;
let apiPort: string;

const putEvents = (headers: Record<string, string>, source = 'probe.guard') =>
  sendRaw(`${stack.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.PutEvents',
      ...headers,
    },
    body: JSON.stringify({
      Entries: [{ EventBusName: PROBE.busName, Source: source, DetailType: 'Guarded', Detail: '{}' }],
    }),
  });

/** The secrets' names, which GetSecretValue then reads: unsigned, the call is the administrator's. */
const listSecrets = (url: string, headers: Record<string, string>) =>
  sendRaw(`${url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.ListSecrets',
      ...headers,
    },
    body: '{}',
  });

const dynamoCall = (headers: Record<string, string>, method = 'POST', endpoint = stack.dynamoEndpoint) =>
  sendRaw(`${endpoint}/`, {
    method,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20261120/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00',
      'x-amz-date': '20261120T000000Z',
      ...headers,
    },
    body: method === 'POST' ? '{}' : undefined,
  });

const published = (source: string) =>
  stack.activity.busEvents().filter((record) => record.event.source === source).length;

beforeAll(async () => {
  assemblyDir = await writeProbeAssembly();
  stack = await startLocalStack({ assemblyDir, synth: false, port: 0, dynamoPort: 0, schedules: false });
  apiPort = new URL(stack.url).port;
});
afterAll(async () => {
  await stack?.stop();
  if (assemblyDir) await rm(assemblyDir, { recursive: true, force: true });
});

describe('a rebound Host (DNS rebinding)', () => {
  it.each([
    ['PutEvents', () => putEvents({ host: `${REBOUND}:${apiPort}` }, 'probe.rebound')],
    [
      'SQS',
      () =>
        sendRaw(`${stack.url}/`, {
          method: 'POST',
          headers: {
            host: REBOUND,
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': 'AmazonSQS.ListQueues',
          },
          body: '{}',
        }),
    ],
    ['Secrets Manager', () => listSecrets(stack.url, { host: `${REBOUND}:${apiPort}` })],
    ['the activity feed', () => sendRaw(`${stack.url}/_local/activity`, { headers: { host: REBOUND } })],
    ['the alarms', () => sendRaw(`${stack.url}/_local/alarms`, { headers: { host: REBOUND } })],
    ['the IAM refusals', () => sendRaw(`${stack.url}/_local/iam`, { headers: { host: REBOUND } })],
    ['the console', () => sendRaw(`${stack.url}/_console`, { headers: { host: `${REBOUND}:${apiPort}` } })],
    ['the console script', () => sendRaw(`${stack.url}/_console/console.js`, { headers: { host: REBOUND } })],
    ['the hub state', () => sendRaw(`${stack.url}/_local/websub-hub`, { headers: { host: REBOUND } })],
    ['DynamoDB', () => dynamoCall({ host: `${REBOUND}:${new URL(stack.dynamoEndpoint).port}` })],
    ['the WebSub hub', () => sendRaw(stack.youtubeHub.url, { method: 'POST', headers: { host: REBOUND } })],
    ['a Host that only starts like loopback', () => putEvents({ host: '127.0.0.1.nip.example' })],
    ['a Host that only ends like loopback', () => putEvents({ host: 'evil-localhost' })],
  ])('is refused by %s with 403 and no CORS header', async (_, attempt) => {
    const answer = await attempt();
    expect(answer.status).toBe(403);
    expect(answer.body).toMatch(/is not 127\.0\.0\.1 or localhost/);
    expect(corsHeadersOf(answer)).toEqual([]);
  });

  it('publishes nothing', async () => {
    await putEvents({ host: REBOUND }, 'probe.rebound-publish');
    expect(published('probe.rebound-publish')).toBe(0);
  });

  it.each(['127.0.0.1', 'localhost', 'LOCALHOST', 'localhost:1'])(
    'lets Host %s through, with or without a port',
    async (host) => {
      const source = `probe.host-${host.replace(/\W/g, '-')}`;
      const answer = await putEvents({ host }, source);
      expect(answer.status).toBe(200);
      expect(published(source)).toBe(1);
      expect((await dynamoCall({ host })).status).toBe(200);
      expect((await sendRaw(`${stack.url}/_local/activity`, { headers: { host } })).status).toBe(200);
      const secrets = await listSecrets(stack.url, { host });
      expect(secrets.status).toBe(200);
      expect(JSON.parse(secrets.body)).toHaveProperty('SecretList');
    },
  );

  it('leaves the public API routes to any Host (CloudFront fronts them in the cloud)', async () => {
    const answer = await sendRaw(`${stack.url}/health`, { headers: { host: 'api.reelhire.example' } });
    expect(answer.status).toBe(200);
  });
});

describe('a browser Origin', () => {
  it.each([
    ['another site', () => ATTACKER],
    ['the API on another port', () => 'http://127.0.0.1:1'],
    ['https on the API port', () => `https://127.0.0.1:${apiPort}`],
    ['an opaque origin', () => 'null'],
  ])('from %s is refused on both ports with 403 and no CORS header', async (_, originOf) => {
    const origin = originOf();
    const source = `probe.origin-${origin.replace(/\W/g, '-')}`;
    for (const answer of [
      await putEvents({ origin }, source),
      await sendRaw(`${stack.url}/_local/activity`, { headers: { origin } }),
      await sendRaw(`${stack.url}/_local/iam`, { headers: { origin } }),
      await listSecrets(stack.url, { origin }),
      await dynamoCall({ origin }),
      await dynamoCall({ origin, 'access-control-request-method': 'POST' }, 'OPTIONS'),
    ]) {
      expect(answer.status).toBe(403);
      expect(answer.body).toMatch(/Origin .* is not http:\/\/127\.0\.0\.1:\d+ or http:\/\/localhost:\d+/);
      expect(corsHeadersOf(answer)).toEqual([]);
    }
    expect(published(source)).toBe(0);
  });

  it.each(['127.0.0.1', 'localhost'])('of the console (http://%s:$PORT) is answered', async (name) => {
    const origin = `http://${name}:${apiPort}`;
    const source = `probe.console-${name}`;
    expect((await putEvents({ origin }, source)).status).toBe(200);
    expect(published(source)).toBe(1);
    expect((await sendRaw(`${stack.url}/_local/activity`, { headers: { origin } })).status).toBe(200);
  });

  it('never gets dynalite’s CORS headers, not even the console’s origin, not even on a preflight', async () => {
    const origin = `http://127.0.0.1:${apiPort}`;
    const call = await dynamoCall({ origin });
    expect(call.status).toBe(200);
    expect(JSON.parse(call.body)).toHaveProperty('TableNames');
    expect(corsHeadersOf(call)).toEqual([]);
    const preflight = await dynamoCall(
      {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-amz-target,authorization,x-attacker',
      },
      'OPTIONS',
    );
    expect(corsHeadersOf(preflight)).toEqual([]);
  });
});

describe('the Secrets Manager and IAM fronts the tests start on their own', () => {
  const endpoints: EnforcedEndpoints = useShared(
    'the enforced endpoints',
    startEnforcedEndpoints,
    (started) => started.close(),
  );
  const dynamoThroughProxy = (headers: Record<string, string>) =>
    dynamoCall(headers, 'POST', endpoints.dynamodbUrl);

  it.each([
    ['Secrets Manager', () => listSecrets(endpoints.secretsUrl, { host: REBOUND })],
    // The proxy sets Host to its upstream's: unguarded, it would pass a rebound name on as loopback's.
    ['the IAM front of DynamoDB', () => dynamoThroughProxy({ host: REBOUND })],
    ['Secrets Manager, from a web page', () => listSecrets(endpoints.secretsUrl, { origin: ATTACKER })],
    ['the IAM front of DynamoDB, from a web page', () => dynamoThroughProxy({ origin: ATTACKER })],
  ])('%s refuses with 403 and no CORS header', async (_, attempt) => {
    const answer = await attempt();
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({
      __type: 'AccessDeniedException',
      message: expect.stringMatching(/is not 127\.0\.0\.1 or localhost|is not allowed/),
    });
    expect(corsHeadersOf(answer)).toEqual([]);
  });

  it('each answers loopback', async () => {
    expect((await listSecrets(endpoints.secretsUrl, {})).status).toBe(200);
    expect(JSON.parse((await dynamoThroughProxy({})).body)).toHaveProperty('TableNames');
  });
});
