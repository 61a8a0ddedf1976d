import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { PROJECT_ROOT } from '../lib/constructs/reelhire-function.ts';
import { startLocalStack } from '../local/local-stack.ts';
import { localClientConfig } from '../local/testing/local-clients.ts';

/**
 * Canonical events per second through the whole local runtime (PutEvents → bus → rule → SQS queue → the bundled
 * video-events handler in its worker → dynalite), beside the raw AWS SDK PutItem rate against the same dynalite in
 * the same run, through the same IAM-enforcing front. The ratio says how much of the storage's speed the pipeline
 * keeps.
 */
export interface PipelineResult {
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly rawPutItemPerSecond: number;
  readonly ratio: number;
  /**
   * The video-events function's invocation time summed over the run, per event: what Lambda would bill, were it
   * not that concurrent batches here wait on one local store thread, each counting the same wait.
   */
  readonly handlerMsPerEvent: number;
}

const inParallel = async (count: number, concurrency: number, task: (index: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
};

const rawPutItemRate = async (endpoint: string, items: number): Promise<number> => {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const TableName = `bench-raw-${Date.now()}`;
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  const deadline = Date.now() + 10_000;
  while ((await client.send(new DescribeTableCommand({ TableName }))).Table?.TableStatus !== 'ACTIVE') {
    if (Date.now() > deadline) throw new Error('bench table never became ACTIVE');
  }
  const started = performance.now();
  await inParallel(items, 16, async (index) => {
    await client.send(
      new PutItemCommand({ TableName, Item: { pk: { S: `item-${index}` }, posted: { BOOL: true } } }),
    );
  });
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return items / seconds;
};

const countVideos = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
  prefix: string,
): Promise<number> => {
  let total = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        Select: 'COUNT',
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': prefix },
        ExclusiveStartKey: startKey,
      }),
    );
    total += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return total;
};

/**
 * @param enforceIam IAM enforcement on every local endpoint (what `npm start` always does); off only to
 *   measure what it costs. Either way the PutItem baseline goes through the same DynamoDB front as the functions.
 */
export const benchPipeline = async (
  events = 2000,
  {
    enforceIam = true,
    timeoutMs = 300_000,
  }: { readonly enforceIam?: boolean; readonly timeoutMs?: number } = {},
): Promise<PipelineResult> => {
  const stack = await startLocalStack({
    projectDir: PROJECT_ROOT,
    port: 0,
    dynamoPort: 0,
    schedules: false,
    alarms: false,
    enforceIam,
    env: { ...process.env, REELHIRE_DATA_DIR: '' },
  });
  try {
    const rawPutItemPerSecond = await rawPutItemRate(stack.dynamoEndpoint, events);
    const bus = new EventBridgeClient(localClientConfig(stack.url));
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient(localClientConfig(stack.dynamoEndpoint)),
    );
    const tableName = stack.tableNames[0]!;
    const busName = stack.busNames.find((name) => name !== 'default')!;
    const run = `bench${Date.now()}`;
    const queue = stack.queues
      .all()
      .find(
        (candidate) =>
          candidate.name.includes('VideoEvents') && !stack.deadLetterQueueNames.includes(candidate.name),
      );
    if (!queue) throw new Error('the stack has no VideoEvents queue');

    let handlerMs = 0;
    stack.activity.on('record', (record) => {
      if (
        record.kind === 'invocation' &&
        record.trigger === 'sqs' &&
        record.functionName.includes('VideoEvents')
      )
        handlerMs += record.durationMs;
    });
    const started = performance.now();
    await inParallel(Math.ceil(events / 10), 4, async (call) => {
      const entries = Array.from({ length: Math.min(10, events - call * 10) }, (_, index) => ({
        EventBusName: busName,
        Source: 'reelhire.tiktok',
        DetailType: 'Video Posted',
        Detail: JSON.stringify({
          platform: 'tiktok',
          videoId: `${run}-${call * 10 + index}`,
          accountId: `${run}-account-${call % 50}`,
          postedAt: new Date().toISOString(),
        }),
      }));
      const response = await bus.send(new PutEventsCommand({ Entries: entries }));
      if (response.FailedEntryCount)
        throw new Error(`${response.FailedEntryCount} events refused by the bus`);
    });
    // Done when the queue is empty (an in-memory look, so the probe takes nothing from dynalite) and a
    // Scan finds every video; the Scan runs only then, since a frequent one would slow the pipeline it times.
    const prefix = `VIDEO#tiktok#${run}-`;
    const deadline = Date.now() + timeoutMs;
    let finished: number | undefined;
    while (finished === undefined) {
      if (Date.now() > deadline)
        throw new Error(`pipeline did not store ${events} videos within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (queue.peek().length > 0) continue;
      const drainedAt = performance.now();
      if ((await countVideos(documents, tableName, prefix)) >= events) finished = drainedAt;
    }
    const eventsPerSecond = events / ((finished - started) / 1000);
    bus.destroy();
    documents.destroy();
    return {
      events,
      eventsPerSecond,
      rawPutItemPerSecond,
      ratio: eventsPerSecond / rawPutItemPerSecond,
      handlerMsPerEvent: handlerMs / events,
    };
  } finally {
    await stack.stop();
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const events = Number(process.argv[2] ?? 2000);
  console.log({
    enforced: await benchPipeline(events),
    unenforced: await benchPipeline(events, { enforceIam: false }),
  });
}
