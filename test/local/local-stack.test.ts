import { rm } from 'node:fs/promises';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { sampleOf } from '#events/samples.ts';
import { MAX_BODY_BYTES } from '#shared/http.ts';
import { readCloudAssembly } from '../../lib/assembly.ts';
import { resolveCloudAssembly } from '../../local/cloudformation/intrinsics.ts';
import { DEV_SECRETS } from '../../local/dev-secrets.ts';
import { policyModelOf } from '../../local/iam/policy-model.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { startupReport } from '../../local/startup-report.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { localClientConfig } from '../../local/testing/local-clients.ts';
import { withoutStatements } from '../iam/template-edits.ts';
import { HTTP_ROUTES, PROBE, writeProbeAssembly } from '../support/probe-assembly.ts';
import { runAssembly } from '../support/run-assembly.ts';

describe('the local stack running a hand-written assembly', () => {
  let assemblyDir: string;
  let stack: LocalStack;
  let dynamo: DynamoDBClient;
  let bus: EventBridgeClient;
  const functionLogs: string[] = [];

  beforeAll(async () => {
    assemblyDir = await writeProbeAssembly();
    stack = await runAssembly(assemblyDir, {
      env: { TIKTOK_CLIENT_SECRET: 'from-the-environment' },
      functionLog: (name, line) => functionLogs.push(`[${name}] ${line}`),
      asyncRetryDelaysMs: [50, 50],
    });
    dynamo = new DynamoDBClient(localClientConfig(stack.dynamoEndpoint));
    bus = new EventBridgeClient(localClientConfig(stack.url));
  });
  afterAll(async () => {
    dynamo?.destroy();
    bus?.destroy();
    await stack?.stop();
    await rm(assemblyDir, { recursive: true, force: true });
  });

  const probeItem = async (id: string) => {
    const { Item } = await dynamo.send(
      new GetItemCommand({
        TableName: PROBE.tableName,
        Key: { pk: { S: `PROBE#${id}` }, sk: { S: 'PROBE' } },
      }),
    );
    return Item;
  };
  /** Up to 10 probe events in one PutEvents call. */
  const putProbes = (details: readonly Record<string, unknown>[]) =>
    bus.send(
      new PutEventsCommand({
        Entries: details.map((detail) => ({
          EventBusName: PROBE.busName,
          Source: 'reelhire.api',
          DetailType: PROBE.detailType,
          Detail: JSON.stringify(detail),
        })),
      }),
    );
  const putProbe = (detail: Record<string, unknown>, detailType: string = PROBE.detailType) =>
    bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: PROBE.busName,
            Source: 'reelhire.api',
            DetailType: detailType,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );

  describe('HTTP API', () => {
    it('invokes the route’s function with a payload 2.0 event and maps the result back', async () => {
      const response = await fetch(`${stack.url}/echo/v%201?b=2&a=1&a=3`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Custom': 'Yes', cookie: 'session=abc; theme=dark' },
        body: '{"hello":"world"}',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('apigw-requestid')).toBeTruthy();
      const { event, context, heap } = (await response.json()) as {
        event: Record<string, unknown>;
        context: Record<string, unknown>;
        heap: Record<string, unknown>;
      };
      expect(event).toMatchObject({
        version: '2.0',
        routeKey: 'POST /echo/{id}',
        rawPath: '/echo/v%201',
        rawQueryString: 'b=2&a=1&a=3',
        queryStringParameters: { a: '1,3', b: '2' },
        pathParameters: { id: 'v 1' },
        cookies: ['session=abc', 'theme=dark'],
        headers: expect.objectContaining({ 'content-type': 'application/json', 'x-custom': 'Yes' }),
        body: '{"hello":"world"}',
        isBase64Encoded: false,
        requestContext: expect.objectContaining({
          accountId: '000000000000',
          stage: '$default',
          routeKey: 'POST /echo/{id}',
          http: expect.objectContaining({ method: 'POST', path: '/echo/v%201', sourceIp: '127.0.0.1' }),
        }),
      });
      expect(context).toMatchObject({
        functionName: PROBE.probeFunction,
        invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${PROBE.probeFunction}`,
        memoryLimitInMB: '256',
      });
      // Lambda's split of 256 MB: 25 MB young (two semi-spaces of 12, counted by V8 with the new
      // large-object space as 3 × 12), 231 MB old.
      expect(heap).toMatchObject({ maxYoungGenerationSizeMb: 36, maxOldGenerationSizeMb: 231 });
      expect(context.remainingMs).toBeGreaterThan(0);
      expect(context.remainingMs).toBeLessThanOrEqual(PROBE.functionTimeoutSeconds * 1000);
    });

    it('gives the function the template environment resolved locally, its role’s credentials, nothing from the host', async () => {
      const { env } = (await (await fetch(`${stack.url}/echo/env`)).json()) as {
        env: Record<string, string | null>;
      };
      expect(env).toEqual({
        REELHIRE_MODE: 'local',
        TABLE_NAME: PROBE.tableName,
        EVENT_BUS_NAME: PROBE.busName,
        QUEUE_URL: `${stack.url}/000000000000/${PROBE.workQueue}`,
        PUBLIC_BASE_URL: stack.url,
        // The secret's name, never its value: the function reads it from the local Secrets Manager.
        TIKTOK_CLIENT_SECRET: null,
        TIKTOK_CLIENT_SECRET_NAME: PROBE.secretName,
        // A session of its own role, as Lambda hands it over.
        AWS_ACCESS_KEY_ID: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SQS: stack.url,
        // No YOUTUBE_HUB_URL in the environment: the stack's own hub, never Google's public one.
        YOUTUBE_HUB_URL: stack.youtubeHub.url,
        HOME: null,
      });
      expect(stack.youtubeHub.local?.url).toBe(stack.youtubeHub.url);
      expect(stack.youtubeHub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/subscribe$/);
      expect(stack.defaultedSecrets).not.toContain('TIKTOK_CLIENT_SECRET');
      expect(stack.defaultedSecrets).toContain('CONTRA_WEBHOOK_SECRET');
      expect(DEV_SECRETS.CONTRA_WEBHOOK_SECRET).toMatch(/^whsec_/);
      // The start-up banner prints the defaults in use, never a value from the environment.
      const banner = startupReport(stack);
      expect(banner).toContain(`CONTRA_WEBHOOK_SECRET=${DEV_SECRETS.CONTRA_WEBHOOK_SECRET}`);
      expect(banner).not.toContain('from-the-environment');
      expect(banner).not.toContain(DEV_SECRETS.TIKTOK_CLIENT_SECRET);
    });

    it('seeds the local Secrets Manager under the template’s secret names, read with the function’s role', async () => {
      const response = await fetch(`${stack.url}/secret`);
      expect(response.status).toBe(200);
      const { arn, value } = (await response.json()) as { arn: string; value: string };
      expect(value).toBe('from-the-environment');
      expect(arn).toMatch(
        new RegExp(
          `^arn:aws:secretsmanager:us-east-1:000000000000:secret:${PROBE.secretName}-[A-Za-z0-9]{6}$`,
        ),
      );
    });

    it('ends its banner with every route of the template, the ready line and three commands to try next', () => {
      const lines = startupReport(stack).split('\n');
      expect(lines).toContainEqual(
        `  WebSub hub      ${stack.youtubeHub.url}  (local, run by this stack: YouTube subscriptions never leave this machine; set YOUTUBE_HUB_URL to use another hub)`,
      );
      const routes = lines.indexOf(`Routes (${HTTP_ROUTES.length + 1}, from the template):`);
      const ready = lines.indexOf(`ReelHire is ready on ${stack.url}`);
      expect(routes).toBeGreaterThan(0);
      expect(
        lines.slice(routes + 1, ready - 1).map((line) => line.trim().split(/\s+/).slice(0, 2).join(' ')),
      ).toEqual([PROBE.reservedRoute, ...HTTP_ROUTES]);
      const next = lines.slice(ready + 1).filter((line) => line.trim() !== '');
      expect(next[0]).toBe(`Try next, in another terminal (and watch it happen at ${stack.url}/_console):`);
      // The port is not 3000, so the commands are told where the stack is first.
      expect(next[1]?.trim()).toBe(`export REELHIRE_URL=${stack.url}`);
      expect(next.slice(2).map((line) => line.trim().split(/\s{2,}/)[0])).toEqual([
        'npx reelhire trigger contra.profile-updated',
        'npx reelhire trigger tiktok.video-posted',
        `npx reelhire links tiktok ${parseDetail('videoPosted', sampleOf(EVENTS.videoPosted).detail).videoId} --wait`,
      ]);
    });

    it('picks the most specific route and passes binary bodies base64-encoded', async () => {
      const fixed = (await (await fetch(`${stack.url}/echo/fixed`)).json()) as {
        event: { routeKey: string };
      };
      expect(fixed.event.routeKey).toBe('GET /echo/fixed');
      const greedy = (await (await fetch(`${stack.url}/files/a/b.txt`)).json()) as {
        event: { pathParameters: unknown };
      };
      expect(greedy.event.pathParameters).toEqual({ path: 'a/b.txt' });
      const binary = (await (
        await fetch(`${stack.url}/any`, {
          method: 'PUT',
          headers: { 'content-type': 'image/png' },
          body: new Uint8Array([137, 80, 0, 255]),
        })
      ).json()) as { event: { body: string; isBase64Encoded: boolean } };
      expect(binary.event).toMatchObject({
        isBase64Encoded: true,
        body: Buffer.from([137, 80, 0, 255]).toString('base64'),
      });
    });

    it('maps cookies, headers, binary and plain results', async () => {
      const cookies = await fetch(`${stack.url}/cookies`);
      expect(cookies.status).toBe(204);
      expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
      expect(cookies.headers.get('x-probe')).toBe('yes');
      const binary = await fetch(`${stack.url}/binary`);
      expect(new Uint8Array(await binary.arrayBuffer())).toEqual(new Uint8Array([0, 1, 2, 255]));
      const plain = await fetch(`${stack.url}/plain`);
      expect(plain.headers.get('content-type')).toBe('application/json');
      expect(await plain.json()).toEqual({ hello: 'world' });
    });

    it('answers 404 problem+json for an unknown route, 413 for a body over 256 KiB', async () => {
      const unknown = await fetch(`${stack.url}/nowhere`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toBe('application/problem+json');
      expect(await unknown.json()).toMatchObject({ status: 404, title: 'Not Found' });

      const tooLarge = await fetch(`${stack.url}/echo/big`, {
        method: 'POST',
        body: 'x'.repeat(MAX_BODY_BYTES + 1),
      });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.headers.get('content-type')).toBe('application/problem+json');
      const atLimit = await fetch(`${stack.url}/echo/big`, {
        method: 'POST',
        body: 'x'.repeat(MAX_BODY_BYTES),
      });
      expect(atLimit.status).toBe(200);
    });

    it('fails an invocation whose function throws, exits or times out, and replaces the crashed worker', async () => {
      expect((await fetch(`${stack.url}/throw`)).status).toBe(500);
      const exited = await fetch(`${stack.url}/exit`);
      expect(exited.status).toBe(500);
      expect(await exited.json()).toMatchObject({ detail: expect.stringContaining('Runtime.ExitError') });
      expect((await fetch(`${stack.url}/health`)).status).toBe(200);
      // The probe sleeps a minute, far past its timeout: only the timeout can answer 503 before the test's own.
      const slow = await fetch(`${stack.url}/sleep`);
      expect(slow.status).toBe(503);
      expect((await fetch(`${stack.url}/health`)).status).toBe(200);
      const outcomes = stack.activity.invocations().map((record) => record.outcome);
      expect(outcomes).toEqual(expect.arrayContaining(['failed', 'crashed', 'timed-out']));
    });
  });

  describe('limits from the template', () => {
    it('throttles a function beyond its reserved concurrency: API Gateway answers 500 with its own body', async () => {
      const reserved = stack.functions.get(PROBE.reservedFunction)!;
      const first = fetch(`${stack.url}/reserved/sleep`);
      await eventually(() => (reserved.concurrentExecutions === 1 ? true : undefined), {
        what: 'the first request running',
      });
      const second = await fetch(`${stack.url}/reserved/sleep`);
      expect(second.status).toBe(500);
      expect(await second.json()).toEqual({ message: 'Internal Server Error' });
      expect((await first).status).toBe(503);
      expect(
        stack.activity
          .invocations()
          .filter((record) => record.functionName === PROBE.reservedFunction)
          .map((record) => record.outcome),
      ).toEqual(expect.arrayContaining(['throttled', 'timed-out']));
    });

    it('polls an event source with at most its MaximumConcurrency batches at once', async () => {
      const probe = stack.functions.get(PROBE.probeFunction)!;
      let most = 0;
      const sampler = setInterval(() => {
        most = Math.max(most, probe.concurrentExecutions);
      }, 5);
      try {
        await putProbes(
          Array.from({ length: 10 }, (_, index) => ({
            action: 'sleep',
            sleepMs: 300,
            id: `capped-${index}`,
          })),
        );
        for (let index = 0; index < 10; index++)
          await eventually(() => probeItem(`capped-${index}`), { what: `capped-${index} processed` });
      } finally {
        clearInterval(sampler);
      }
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(PROBE.maximumConcurrency);
    });
  });

  describe('bus, queues and event source mappings', () => {
    it('routes a put event through the rule, the queue and the mapping to the function, which writes DynamoDB', async () => {
      const result = await putProbe({ action: 'store', id: 'routed' });
      expect(result.FailedEntryCount).toBe(0);
      const item = await eventually(() => probeItem('routed'), { what: 'the probe item' });
      expect(JSON.parse(item.body?.S ?? '{}')).toMatchObject({
        id: result.Entries?.[0]?.EventId,
        detail: { id: 'routed' },
      });
      expect(stack.activity.busEvents().at(-1)?.matchedRules).toEqual([PROBE.ruleName]);
    });

    it('lets a function publish to the bus through the SDK with nothing but its environment', async () => {
      await putProbe({ action: 'publish', id: 'echoed' });
      await eventually(() => probeItem('echoed'), { what: 'the item written after the echo event' });
    });

    it('retries only the failed messages of a batch and moves them to the DLQ after maxReceiveCount', async () => {
      await bus.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: PROBE.busName,
              Source: 'reelhire.api',
              DetailType: PROBE.detailType,
              Detail: '{"action":"fail","id":"bad"}',
            },
            {
              EventBusName: PROBE.busName,
              Source: 'reelhire.api',
              DetailType: PROBE.detailType,
              Detail: '{"action":"store","id":"good"}',
            },
          ],
        }),
      );
      await eventually(() => probeItem('good'));
      const dead = await eventually(
        () =>
          stack
            .deadLetterQueues()
            .flatMap((queue) => queue.messages)
            .find((message) => message.body.includes('"id":"bad"')),
        { what: 'the failed event in the DLQ' },
      );
      expect(dead.receiveCount).toBe(0);
      const work = stack.queues.byName(PROBE.workQueue)!;
      expect(work.peek().some((message) => message.body.includes('"id":"good"'))).toBe(false);
      const failures = stack.activity.invocations().filter((record) => record.trigger === 'sqs');
      expect(failures.length).toBeGreaterThanOrEqual(PROBE.maxReceiveCount);
    });

    it('lets a handler set its own message’s next delivery with ChangeMessageVisibility', async () => {
      await putProbe({ action: 'delay', id: 'backoff', delaySeconds: 1 });
      for (const receive of [1, 2, 3]) {
        await eventually(() => probeItem(`backoff#delayed-${receive}`), { what: `receive ${receive}` });
      }
    });

    it('delivers batches of at most BatchSize messages', async () => {
      const audit = stack.queues.byName(PROBE.auditQueue)!;
      audit.purge();
      for (let call = 0; call < 3; call++) {
        await putProbes(
          Array.from({ length: 10 }, (_, index) => ({ action: 'ok', id: `batch-${call}-${index}` })),
        );
      }
      const sizes = await eventually(() => {
        const batches = audit.peek().map((message) => (JSON.parse(message.body) as { size: number }).size);
        return batches.reduce((sum, size) => sum + size, 0) >= 30 ? batches : undefined;
      });
      expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    });

    it('retries a failing scheduled run twice, then sends an invocation record to the on-failure destination', async () => {
      const fired = stack.runSchedule(PROBE.scheduleRuleName);
      const record = await eventually(
        () =>
          stack
            .deadLetterQueues()
            .flatMap((queue) => queue.messages)
            .map((message) => JSON.parse(message.body) as { requestPayload?: { id?: string } })
            .find((body) => body.requestPayload?.id === fired.id),
        { what: 'the on-failure record' },
      );
      expect(record).toMatchObject({
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        requestPayload: { source: 'aws.events', 'detail-type': 'Scheduled Event' },
        responsePayload: { errorMessage: 'the scheduled run fails on purpose' },
      });
      const runs = stack.activity
        .invocations()
        .filter(
          (invocation) =>
            invocation.functionName === PROBE.scheduledFunction && invocation.trigger === 'schedule',
        );
      expect(runs).toHaveLength(3);
    });

    it('drops the failure record of a run whose role may not send to its on-failure destination, printing why', async () => {
      const template = resolveCloudAssembly(readCloudAssembly(assemblyDir), stack.url).resources;
      const before = stack.iam.refusals.count;
      stack.iam.reload(
        policyModelOf(
          withoutStatements(
            template,
            (statement, resource) =>
              resource.logicalId === 'ProbeRolePolicy' &&
              JSON.stringify(statement.Resource).includes(PROBE.deadLetterQueue),
          ),
        ),
      );
      try {
        const fired = stack.runSchedule(PROBE.scheduleRuleName);
        const refusal = await eventually(
          () => {
            const added = stack.iam.refusals.count - before;
            return added > 0
              ? stack.iam.refusals
                  .list()
                  .slice(-added)
                  .find((candidate) => candidate.delivery?.includes(PROBE.scheduledFunction))
              : undefined;
          },
          { what: 'the refused failure record' },
        );
        expect(refusal).toMatchObject({
          action: 'sqs:SendMessage',
          resource: `arn:aws:sqs:us-east-1:000000000000:${PROBE.deadLetterQueue}`,
          delivery: expect.stringContaining('(dropped)'),
        });
        expect(
          stack
            .deadLetterQueues()
            .flatMap((queue) => queue.messages)
            .some((message) => message.body.includes(fired.id)),
        ).toBe(false);
      } finally {
        stack.iam.reload(policyModelOf(template));
      }
    });

    it('serves its activity and dead-letter queues at /_local/activity', async () => {
      const activity = (await (await fetch(`${stack.url}/_local/activity`)).json()) as {
        records: { kind: string }[];
        deadLetterQueues: { name: string }[];
      };
      expect(new Set(activity.records.map((record) => record.kind))).toEqual(
        new Set(['bus-event', 'invocation', 'delivery-failure']),
      );
      expect(activity.deadLetterQueues.map((queue) => queue.name)).toEqual([PROBE.deadLetterQueue]);
    });
  });

  describe('DynamoDB', () => {
    it("sweeps the items whose TTL attribute (the template's TimeToLiveSpecification) has passed, as DynamoDB does", async () => {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const put = (id: string, expiresAt: { N: string } | { S: string }) =>
        dynamo.send(
          new PutItemCommand({
            TableName: PROBE.tableName,
            Item: { pk: { S: `PROBE#${id}` }, sk: { S: 'PROBE' }, expiresAt },
          }),
        );
      await put('ttl-past', { N: String(nowSeconds - 10) });
      await put('ttl-future', { N: String(nowSeconds + 3600) });
      // DynamoDB's TTL ignores an attribute that is not a Number.
      await put('ttl-string', { S: String(nowSeconds - 10) });

      expect(await stack.ttl.sweepNow()).toBe(1);
      expect(await probeItem('ttl-past')).toBeUndefined();
      expect(await probeItem('ttl-future')).toBeDefined();
      expect(await probeItem('ttl-string')).toBeDefined();
    });

    it('creates the table exactly as the template defines it, reachable with the SDK', async () => {
      const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: PROBE.tableName }));
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(
        Table?.GlobalSecondaryIndexes?.map((index) => [
          index.IndexName,
          index.KeySchema?.map((key) => key.AttributeName),
        ]),
      ).toEqual([['byKind', ['gsi1pk', 'gsi1sk']]]);
      await eventually(() => probeItem('routed'));
      const { Items } = await dynamo.send(
        new QueryCommand({
          TableName: PROBE.tableName,
          IndexName: 'byKind',
          KeyConditionExpression: 'gsi1pk = :kind AND gsi1sk = :id',
          ExpressionAttributeValues: { ':kind': { S: 'PROBE' }, ':id': { S: 'routed' } },
        }),
      );
      expect(Items).toHaveLength(1);
    });
  });
});
