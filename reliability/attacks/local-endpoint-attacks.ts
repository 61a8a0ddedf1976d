import { randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { sourceOf } from '#events/catalog.ts';
import { DynamoProfileStore } from '#links/dynamo-profiles.ts';
import { profileKey } from '#shared/item-keys.ts';
import { seedApplicantAndJobs } from './fixtures.ts';
import type { HostileRun } from './hostile-run.ts';

/**
 * Attacks on what `npm start` serves the developer only (CONTRACT §5): the PutEvents, SQS and Secrets Manager
 * endpoints and the activity, alarm and IAM feeds on the API port, the embedded DynamoDB, the stack's WebSub hub. A web page the developer visits
 * reaches them in two ways: DNS rebinding (its own name resolving to 127.0.0.1, so its requests carry that name
 * as Host and are same-origin to the browser) and cross-origin requests (dynalite answered any Origin with
 * `Access-Control-Allow-Origin: *`). The rebinding attempts are raw requests, and one real headless chromium
 * whose resolver maps the attacker's name to 127.0.0.1; the cross-origin ones run in chromium, from a page of
 * another loopback origin. Each must be refused, and publish and change nothing; the developer's own requests
 * (the controls) must still work. Then a PutEvents whose Detail nests 100,000 deep.
 */

const REBOUND = 'rebind.attacker.example';
const CHROMIUM = '/usr/bin/chromium';

interface RawAnswer {
  readonly status: number;
  readonly cors: boolean;
}

/** A request with the Host and Origin given: what a browser sends to a rebound name. */
const raw = (
  url: string,
  headers: Record<string, string>,
  method = 'POST',
  body = '{}',
): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers }, (answer) => {
      answer.resume();
      answer.on('end', () =>
        resolve({
          status: answer.statusCode ?? 0,
          cors: Object.keys(answer.headers).some((name) => name.startsWith('access-control-')),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(method === 'GET' ? undefined : body);
  });

const putEventsBody = (busName: string, source: string, detail = '{}') =>
  JSON.stringify({
    Entries: [{ EventBusName: busName, Source: source, DetailType: 'Video Posted', Detail: detail }],
  });

/** Unsigned, the call is the administrator's: only the local-only guard stands between a page and the secrets. */
const LIST_SECRETS_HEADERS = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'secretsmanager.ListSecrets',
};

const AMZ_DATE = '20260101T000000Z';
/** What the SDK sends; dynalite checks the shape of the signature, not the signature. */
const dynamoHeaders = (operation: string) => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `DynamoDB_20120810.${operation}`,
  'x-amz-date': AMZ_DATE,
  authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
});

const rebinding = async (run: HostileRun, source: string): Promise<void> => {
  const { stack, busName, hub } = run.system;
  const port = (url: string) => new URL(url).port;
  const attempts: [string, () => Promise<RawAnswer>][] = [
    [
      'PutEvents on the API port',
      () =>
        raw(
          `${stack.url}/`,
          {
            host: `${REBOUND}:${port(stack.url)}`,
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'AWSEvents.PutEvents',
          },
          'POST',
          putEventsBody(busName, source),
        ),
    ],
    [
      'SQS on the API port',
      () =>
        raw(`${stack.url}/`, {
          host: REBOUND,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AmazonSQS.ListQueues',
        }),
    ],
    [
      'Secrets Manager on the API port',
      () => raw(`${stack.url}/`, { ...LIST_SECRETS_HEADERS, host: `${REBOUND}:${port(stack.url)}` }),
    ],
    ['the activity feed', () => raw(`${stack.url}/_local/activity`, { host: REBOUND }, 'GET')],
    ['the alarms', () => raw(`${stack.url}/_local/alarms`, { host: REBOUND }, 'GET')],
    ['the IAM refusals', () => raw(`${stack.url}/_local/iam`, { host: REBOUND }, 'GET')],
    ['the console', () => raw(`${stack.url}/_console`, { host: `${REBOUND}:${port(stack.url)}` }, 'GET')],
    [
      'Scan on the DynamoDB port',
      () =>
        raw(
          `${stack.dynamoEndpoint}/`,
          { ...dynamoHeaders('Scan'), host: `${REBOUND}:${port(stack.dynamoEndpoint)}` },
          'POST',
          JSON.stringify({ TableName: run.system.tableName }),
        ),
    ],
    [
      'the WebSub hub',
      () => raw(hub.url, { host: REBOUND, 'content-type': 'application/x-www-form-urlencoded' }),
    ],
  ];
  for (const [name, attempt] of attempts) {
    const answer = await attempt();
    run.record(
      'rebound Host',
      `Host ${REBOUND} → ${name}`,
      answer.status === 403 && !answer.cors,
      `answered ${answer.status}${answer.cors ? ' with CORS headers' : ''}`,
    );
  }
  run.record(
    'rebound Host',
    'a rebound PutEvents published nothing',
    run.publishedMentioning(source).length === 0 && publishedFrom(run, source) === 0,
    `${publishedFrom(run, source)} published`,
  );
  const control = await raw(
    `${stack.url}/`,
    {
      host: 'localhost',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.PutEvents',
    },
    'POST',
    putEventsBody(busName, `${source}.control`),
  );
  run.record(
    'rebound Host',
    'PutEvents with Host localhost still publishes (control)',
    control.status === 200 && publishedFrom(run, `${source}.control`) === 1,
    `answered ${control.status}`,
  );
  const secretsControl = await raw(`${stack.url}/`, { ...LIST_SECRETS_HEADERS, host: 'localhost' });
  run.record(
    'rebound Host',
    'Secrets Manager with Host localhost still answers (control)',
    secretsControl.status === 200,
    `answered ${secretsControl.status}`,
  );
};

const publishedFrom = (run: HostileRun, source: string): number =>
  run.system.stack.activity.busEvents().filter((record) => record.event.source === source).length;

/** What the attacker's page tried, and whether the browser let it read the answer. */
interface BrowserAttempt {
  readonly name: string;
  readonly read: boolean;
  readonly detail: string;
}

const inBrowser = async (run: HostileRun, source: string, profileId: string): Promise<void> => {
  const { stack, tableName, busName, documents } = run.system;
  const profiles = new DynamoProfileStore(documents, tableName);
  const portfolioUrl = async () => (await profiles.read(profileId))?.record.portfolioUrl;
  const before = await portfolioUrl();
  const { pk, sk } = profileKey(profileId);
  const attacker = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>a page</title>');
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', `--host-resolver-rules=MAP ${REBOUND} 127.0.0.1`],
  });
  try {
    const rebound = await browser.newPage();

    // DNS rebinding as the browser sees it: the attacker's name, resolved to loopback, on both local ports.
    for (const [name, url] of [
      ['the console on the API port', `http://${REBOUND}:${new URL(stack.url).port}/_console`],
      ['the DynamoDB port', `http://${REBOUND}:${new URL(stack.dynamoEndpoint).port}/`],
    ] as const) {
      // A JSON answer is a download to chromium, which ends the navigation: the response is what counts.
      const [response] = await Promise.all([
        rebound.waitForResponse(url),
        rebound.goto(url).catch(() => undefined),
      ]);
      run.record(
        'rebound Host',
        `chromium at ${REBOUND} → ${name}`,
        response.status() === 403,
        `answered ${response.status()}`,
      );
    }

    await rebound.close();

    const page = await browser.newPage();
    // tsx (npm run test:reliability) compiles with esbuild's keepNames, which wraps the named functions of the
    // page script below in a `__name` helper that exists only in Node: the page gets an identity one.
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.goto(attackerOrigin);
    const attempts = await page.evaluate(
      async ({ api, dynamo, table, putEvents, profileKey }) => {
        const attempt = async (name: string, call: () => Promise<Response>): Promise<BrowserAttempt> => {
          try {
            const response = await call();
            return {
              name,
              read: true,
              detail: `read ${response.status}: ${(await response.text()).slice(0, 80)}`,
            };
          } catch (error) {
            return { name, read: false, detail: String(error) };
          }
        };
        const dynamoCall = (operation: string, body: unknown) =>
          fetch(dynamo, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-amz-json-1.0',
              'x-amz-target': `DynamoDB_20120810.${operation}`,
              'x-amz-date': '20260101T000000Z',
              authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
            },
            body: JSON.stringify(body),
          });
        const awsCall = (target: string, version: '1.0' | '1.1', body: string) =>
          fetch(`${api}/`, {
            method: 'POST',
            headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target },
            body,
          });
        return [
          await attempt('read the activity feed', () => fetch(`${api}/_local/activity`)),
          await attempt('PutEvents', () => awsCall('AWSEvents.PutEvents', '1.1', putEvents)),
          await attempt('list the queues', () => awsCall('AmazonSQS.ListQueues', '1.0', '{}')),
          await attempt('list the secrets', () => awsCall('secretsmanager.ListSecrets', '1.1', '{}')),
          await attempt('read the IAM refusals', () => fetch(`${api}/_local/iam`)),
          await attempt('Scan the table', () => dynamoCall('Scan', { TableName: table })),
          await attempt('rewrite a profile', () =>
            dynamoCall('PutItem', {
              TableName: table,
              Item: { ...profileKey, portfolioUrl: { S: 'https://attacker.example/' } },
            }),
          ),
          // A simple request needs no preflight: it is sent, but without X-Amz-Target it is no AWS call.
          await attempt('PutEvents as a simple request', () =>
            fetch(`${api}/`, { method: 'POST', mode: 'no-cors', body: putEvents }),
          ),
        ];
      },
      {
        api: stack.url,
        dynamo: stack.dynamoEndpoint,
        table: tableName,
        putEvents: putEventsBody(busName, source),
        profileKey: { pk: { S: pk }, sk: { S: sk } },
      },
    );
    for (const { name, read, detail } of attempts) {
      // no-cors answers are opaque: "read" there means the request went out, not that anything was learnt.
      const opaque = name.endsWith('simple request');
      run.record(
        'cross-origin browser request',
        `chromium, from ${attackerOrigin}: ${name}`,
        opaque ? true : !read,
        detail,
      );
    }
    run.record(
      'cross-origin browser request',
      'nothing the page sent was published',
      publishedFrom(run, source) === 0,
      `${publishedFrom(run, source)} published`,
    );
    const after = await portfolioUrl();
    run.record(
      'cross-origin browser request',
      'the profile the page tried to rewrite is as it was',
      before !== undefined && after === before,
      `portfolioUrl ${before} → ${after}`,
    );
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
  }
};

const deepPutEvents = async (run: HostileRun): Promise<void> => {
  const { busName } = run.system;
  const source = sourceOf('api');
  const detail = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
  const mark = run.mark();
  const answer = await run.send('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
    body: putEventsBody(busName, source, detail),
  });
  const type = answer.status === 400 ? (JSON.parse(answer.body) as { __type?: string }).__type : undefined;
  run.record(
    'deeply nested PutEvents',
    'PutEvents: a Detail nested 100,000 deep is a 400 ValidationException',
    answer.status === 400 && type === 'ValidationException' && run.publishedSince(mark).length === 0,
    `answered ${answer.status} ${type ?? answer.body.slice(0, 100)}`,
  );
  const feed = await run.send('/_local/activity');
  run.record(
    'deeply nested PutEvents',
    'the console’s activity feed still answers',
    feed.status === 200,
    `answered ${feed.status}`,
  );
};

export const localEndpointAttacks = async (run: HostileRun): Promise<void> => {
  const suffix = randomBytes(4).toString('hex');
  await rebinding(run, `attacker.rebound.${suffix}`);
  const profileId = `local-victim-${suffix}`;
  await seedApplicantAndJobs(run.system, profileId, []);
  await inBrowser(run, `attacker.cors.${suffix}`, profileId);
  await deepPutEvents(run);
};
