import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/testing/dynalite.ts';
import { localClientConfig } from '../../local/testing/local-clients.ts';
import { FaultProxy, type FaultRates, isWrite } from '../../reliability/fault-proxy.ts';
import { seededRandom } from '../../reliability/seeded-random.ts';

/** The fault proxy in front of dynalite, seen through the real SDK client as the functions see it. */
describe('fault proxy', () => {
  let dynamo: LocalDynamo;
  let tableName: string;
  let proxy: FaultProxy;
  const clients: DynamoDBClient[] = [];

  const documentsThroughProxy = (maxAttempts: number) => {
    const client = new DynamoDBClient({ ...localClientConfig(proxy.url), maxAttempts });
    clients.push(client);
    return DynamoDBDocumentClient.from(client);
  };
  const put = (documents: DynamoDBDocumentClient, id: string) =>
    documents.send(new PutCommand({ TableName: tableName, Item: { pk: `ITEM#${id}`, sk: 'ITEM', id } }));
  const stored = async (id: string) =>
    (
      await dynamo.documents.send(
        new GetCommand({ TableName: tableName, Key: { pk: `ITEM#${id}`, sk: 'ITEM' }, ConsistentRead: true }),
      )
    ).Item;
  const failureOf = async (rates: FaultRates, id: string) => {
    proxy.setRates(rates);
    return put(documentsThroughProxy(1), id).then(
      () => undefined,
      (error: unknown) => error as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string },
    );
  };

  beforeAll(async () => {
    dynamo = await startDynalite();
    tableName = await dynamo.createTable('faults');
    proxy = await FaultProxy.start({
      target: dynamo.endpoint,
      random: seededRandom(7),
      latencyMs: [300, 400],
    });
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await proxy?.close();
    await dynamo?.close();
  });
  beforeEach(() => proxy.setRates({}));

  it.each([
    ['ProvisionedThroughputExceededException', 400],
    ['ThrottlingException', 400],
    ['InternalServerError', 500],
  ] as const)(
    'answers %s as DynamoDB does (%i + __type), which the SDK raises by name',
    async (kind, status) => {
      const before = proxy.stats().faults[kind];
      const error = await failureOf({ [kind]: 1 }, `error-${kind}`);
      expect(error?.name).toBe(kind);
      expect(error?.$metadata?.httpStatusCode).toBe(status);
      expect(proxy.stats().faults[kind]).toBe(before + 1);
    },
  );

  it('resets connections: the SDK sees a network error', async () => {
    const error = await failureOf({ reset: 1 }, 'reset');
    expect(error).toBeInstanceOf(Error);
    expect(error?.$metadata?.httpStatusCode).toBeUndefined();
    expect(proxy.stats().faults.reset).toBeGreaterThan(0);
  });

  it('delays a call by a latency spike, then forwards it', async () => {
    proxy.setRates({ latency: 1 });
    const started = Date.now();
    await put(documentsThroughProxy(1), 'slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(await stored('slow')).toMatchObject({ id: 'slow' });
  });

  it('sometimes fails a call after DynamoDB applied it: the caller cannot tell', async () => {
    const before = proxy.stats().afterForwarding;
    for (let index = 0; index < 20; index++)
      await failureOf({ InternalServerError: 1 }, `ambiguous-${index}`);
    const applied = (
      await Promise.all(Array.from({ length: 20 }, (_, index) => stored(`ambiguous-${index}`)))
    ).filter(Boolean).length;
    expect(applied).toBe(proxy.stats().afterForwarding - before);
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(20);
  });

  it('at 10 % faults, the SDK retries see every write through, and the counts add up', async () => {
    proxy.setRates({
      ProvisionedThroughputExceededException: 0.02,
      ThrottlingException: 0.02,
      InternalServerError: 0.02,
      latency: 0.02,
      reset: 0.02,
    });
    const start = proxy.stats();
    const documents = documentsThroughProxy(5);
    for (let index = 0; index < 200; index++) await put(documents, `retried-${index}`);
    const end = proxy.stats();
    const faults = Object.values(end.faults).reduce((sum, n) => sum + n, 0);
    const faultsBefore = Object.values(start.faults).reduce((sum, n) => sum + n, 0);
    expect(end.requests - start.requests).toBeGreaterThanOrEqual(200);
    expect(faults - faultsBefore).toBeGreaterThan(5);
    for (const index of [0, 99, 199]) expect(await stored(`retried-${index}`)).toBeDefined();
  });

  it('holds a matching call until it is dropped: it never reaches DynamoDB', async () => {
    const held = proxy.holdNext(isWrite);
    const write = put(documentsThroughProxy(1), 'held').catch((error: unknown) => error);
    const call = await held;
    expect(call.operation).toBe('PutItem');
    expect(call.body).toContain('ITEM#held');
    call.drop();
    expect(await write).toBeInstanceOf(Error);
    expect(await stored('held')).toBeUndefined();
  });
});
