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
 * keeps. The two alternate in rounds (PutItems, events, PutItems, events, …) so that a busy moment of this shared
 * machine falls on both; each side's rate is its total over its total time.
 */
export interface PipelineResult {
  readonly events: number;
  /** Untimed events (and as many PutItems) before the rounds. */
  readonly warmEvents: number;
  readonly rounds: number;
  readonly eventsPerSecond: number;
  readonly rawPutItemPerSecond: number;
  readonly ratio: number;
  /**
   * The video-events function's invocation time summed over the run, per event: what Lambda would bill, were it
   * not that concurrent batches here wait on one local store thread, each counting the same wait.
   */
  readonly handlerMsPerEvent: number;
}

/**
 * Events (and as many PutItems) before the timed rounds, timed by neither side, so that the rounds measure
 * environments as old as a deployed pipeline's: at the modelled 1,000 Video Posted a second, in batches of 50 over
 * ≤ 20 environments, each runs a batch a second or more, so within two minutes of traffic every environment has
 * run 100 batches. Here the four environments reach that after 20,000 events. What a younger environment costs is
 * V8 still compiling: code that runs once a batch (the invocation's own path, the batch's read) becomes hot only
 * after many batches, so with 500 events of warm-up (2–3 batches an environment) V8's optimizing compiler took
 * 1–2 s of compile time per 1,000 timed events, and still 0.5–1.9 s after 3,000 events; after 20,000,
 * 0.27–0.37 s (`--trace-opt`, 2026-12-04). The baseline's client gets as many PutItems first, as it did with 500.
 * Measured back to back at load 1.6–3 (3,000 timed events): events/s 667 → 909–995, the CPU of an event 2.66–2.69 →
 * 1.69–1.80 ms, a PutItem's 1.16–1.23 → 0.92–0.97 ms; the ratio 0.59–0.60 → 0.72–0.73.
 */
const WARM_EVENTS = 20_000;

const inParallel = async (count: number, concurrency: number, task: (index: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
};

/** A table of its own for the baseline, then timed rounds of PutItem on it. */
const rawPutItems = async (endpoint: string) => {
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
  let written = 0;
  return {
    /** Seconds `items` PutItems took, 16 at once. */
    async round(items: number): Promise<number> {
      const first = written;
      written += items;
      const started = performance.now();
      await inParallel(items, 16, async (index) => {
        await client.send(
          new PutItemCommand({
            TableName,
            Item: { pk: { S: `item-${first + index}` }, posted: { BOOL: true } },
          }),
        );
      });
      return (performance.now() - started) / 1000;
    },
    close: () => client.destroy(),
  };
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
    rounds = 3,
    warmEvents = WARM_EVENTS,
  }: {
    readonly enforceIam?: boolean;
    readonly timeoutMs?: number;
    readonly rounds?: number;
    /** Untimed events (and PutItems) first; fewer only for the smoke run. */
    readonly warmEvents?: number;
  } = {},
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
  const raw = await rawPutItems(stack.dynamoEndpoint);
  const bus = new EventBridgeClient(localClientConfig(stack.url));
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.dynamoEndpoint)));
  try {
    const tableName = stack.tableNames[0]!;
    const busName = stack.busNames.find((name) => name !== 'default')!;
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

    /** Seconds until `count` Video Posted are put on the bus and every video is stored. */
    const eventsRound = async (count: number, run: string): Promise<number> => {
      const started = performance.now();
      await inParallel(Math.ceil(count / 10), 4, async (call) => {
        const entries = Array.from({ length: Math.min(10, count - call * 10) }, (_, index) => ({
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
      for (;;) {
        if (Date.now() > deadline)
          throw new Error(`pipeline did not store ${count} videos within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (queue.peek().length > 0) continue;
        const drainedAt = performance.now();
        if ((await countVideos(documents, tableName, prefix)) >= count) return (drainedAt - started) / 1000;
      }
    };

    const sizes = Array.from(
      { length: rounds },
      (_, round) => Math.floor(events / rounds) + (round < events % rounds ? 1 : 0),
    );
    await raw.round(warmEvents);
    await eventsRound(warmEvents, `bench${Date.now()}warm`);
    handlerMs = 0;
    let putSeconds = 0;
    let eventSeconds = 0;
    for (const [round, size] of sizes.entries()) {
      putSeconds += await raw.round(size);
      eventSeconds += await eventsRound(size, `bench${Date.now()}r${round}`);
    }
    const eventsPerSecond = events / eventSeconds;
    const rawPutItemPerSecond = events / putSeconds;
    return {
      events,
      warmEvents,
      rounds,
      eventsPerSecond,
      rawPutItemPerSecond,
      ratio: eventsPerSecond / rawPutItemPerSecond,
      handlerMsPerEvent: handlerMs / events,
    };
  } finally {
    raw.close();
    bus.destroy();
    documents.destroy();
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
