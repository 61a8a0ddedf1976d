import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../../local/local-stack.ts';
import { freePort, isListening } from './support/npm-start.ts';
import { PROBE, writeProbeAssembly } from './support/probe-assembly.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const portOf = (url: string) => Number(new URL(url).port);

describe('the local stack’s life cycle', () => {
  let assemblyDir: string;
  let dataDir: string;

  beforeAll(async () => {
    assemblyDir = await writeProbeAssembly();
    dataDir = await mkdtemp(join(tmpdir(), 'reelhire-data-'));
  });
  afterAll(async () => {
    await rm(assemblyDir, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = (withData: boolean) =>
    startLocalStack({
      assemblyDir,
      synth: false,
      port: 0,
      dynamoPort: 0,
      schedules: false,
      ...(withData ? { dataDir } : {}),
    });

  it('keeps table items and queued messages across a restart under REELHIRE_DATA_DIR', async () => {
    const first = await start(true);
    const dynamo = new DynamoDBClient({ endpoint: first.dynamoEndpoint, region: 'us-east-1', credentials });
    await dynamo.send(
      new PutItemCommand({
        TableName: PROBE.tableName,
        Item: { pk: { S: 'KEEP' }, sk: { S: 'ME' }, note: { S: 'survives' } },
      }),
    );
    dynamo.destroy();
    first.queues.byName(PROBE.deadLetterQueue)!.send({ body: 'still here after a restart' });
    await first.stop();

    const second = await start(true);
    try {
      const again = new DynamoDBClient({ endpoint: second.dynamoEndpoint, region: 'us-east-1', credentials });
      const { Item } = await again.send(
        new GetItemCommand({ TableName: PROBE.tableName, Key: { pk: { S: 'KEEP' }, sk: { S: 'ME' } } }),
      );
      again.destroy();
      expect(Item?.note?.S).toBe('survives');
      expect(
        second.queues
          .byName(PROBE.deadLetterQueue)!
          .peek()
          .map((message) => message.body),
      ).toEqual(['still here after a restart']);
    } finally {
      await second.stop();
    }
  });

  it('starts empty without a data directory', async () => {
    const stack = await start(false);
    try {
      expect(stack.dataDir).toBeUndefined();
      expect(stack.queues.byName(PROBE.deadLetterQueue)!.peek()).toHaveLength(0);
    } finally {
      await stack.stop();
    }
  });

  it('releases both ports and ends every worker thread when stopped', async () => {
    const stack = await start(false);
    await (await fetch(`${stack.url}/health`)).text();
    await stack.stop();
    expect(await isListening(portOf(stack.url))).toBe(false);
    expect(await isListening(portOf(stack.dynamoEndpoint))).toBe(false);
    await expect(stack.functions.get(PROBE.probeFunction)!.invoke({}, 'http')).rejects.toThrow(/stopped/);
  });

  it('fails to start on a port in use, and leaves nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dynamoPort = await freePort();
    try {
      await expect(startLocalStack({ assemblyDir, synth: false, port, dynamoPort })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
      // DynamoDB had started before the API port was refused; it must be closed again.
      expect(await isListening(dynamoPort)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
