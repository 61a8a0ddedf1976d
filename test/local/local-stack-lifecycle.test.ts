import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signYouTube } from '#webhooks/youtube.ts';
import { startLocalStack } from '../../local/local-stack.ts';
import { localClientConfig } from '../../local/testing/local-clients.ts';
import { freePort, isListening } from '../support/npm-start.ts';
import { PROBE, writeProbeAssembly } from '../support/probe-assembly.ts';
import { runAssembly } from '../support/run-assembly.ts';

const portOf = (url: string) => Number(new URL(url).port);

interface Notification {
  readonly url: string | undefined;
  readonly signature: string | undefined;
  readonly body: string;
}

/** A WebSub subscriber: echoes every verification's challenge, records every notification (204). */
const startSubscriber = async () => {
  const notifications: Notification[] = [];
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'GET') {
        const challenge = new URL(request.url ?? '/', 'http://localhost').searchParams.get('hub.challenge');
        response.writeHead(200, { 'content-type': 'text/plain' }).end(challenge ?? '');
        return;
      }
      const signature = request.headers['x-hub-signature'];
      notifications.push({
        url: request.url,
        signature: typeof signature === 'string' ? signature : undefined,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    notifications,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

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

  const start = (withData: boolean, env: NodeJS.ProcessEnv = {}) =>
    runAssembly(assemblyDir, { env, ...(withData ? { dataDir } : {}) });

  it('keeps table items and queued messages across a restart under REELHIRE_DATA_DIR', async () => {
    const first = await start(true);
    const dynamo = new DynamoDBClient(localClientConfig(first.dynamoEndpoint));
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
      const again = new DynamoDBClient(localClientConfig(second.dynamoEndpoint));
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

  it('keeps its WebSub hub’s verified subscriptions across a restart under REELHIRE_DATA_DIR', async () => {
    const subscriber = await startSubscriber();
    const topic = 'https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCkeptAcrossRestarts';
    try {
      const first = await start(true);
      const hub = first.youtubeHub.local!;
      const request = await fetch(hub.url, {
        method: 'POST',
        body: new URLSearchParams({
          'hub.mode': 'subscribe',
          'hub.topic': topic,
          'hub.callback': `${subscriber.url}/webhooks/youtube?token=kept`,
          'hub.secret': 'the-subscriber-secret',
        }),
      });
      expect(request.status).toBe(202);
      await hub.settled();
      expect(hub.verifications).toEqual([expect.objectContaining({ topic, verified: true })]);
      await first.stop();

      const second = await start(true);
      try {
        expect(portOf(second.youtubeHub.url)).not.toBe(0);
        expect(await second.youtubeHub.local!.publish(topic, '<feed/>')).toBe(204);
        expect(subscriber.notifications).toEqual([
          {
            url: '/webhooks/youtube?token=kept',
            signature: signYouTube('the-subscriber-secret', '<feed/>', 'sha1'),
            body: '<feed/>',
          },
        ]);
      } finally {
        await second.stop();
      }
    } finally {
      await subscriber.close();
    }
  });

  it('subscribes at the hub YOUTUBE_HUB_URL names, and starts none of its own', async () => {
    const elsewhere = `http://127.0.0.1:${await freePort()}/subscribe`;
    const stack = await start(false, { YOUTUBE_HUB_URL: elsewhere });
    try {
      expect(stack.youtubeHub).toEqual({ url: elsewhere, local: undefined });
      const { env } = (await (await fetch(`${stack.url}/echo/env`)).json()) as {
        env: Record<string, string | null>;
      };
      expect(env.YOUTUBE_HUB_URL).toBe(elsewhere);
    } finally {
      await stack.stop();
    }
  });

  it('releases its three ports and ends every worker thread when stopped', async () => {
    const stack = await start(false);
    await (await fetch(`${stack.url}/health`)).text();
    const hubPort = portOf(stack.youtubeHub.url);
    expect(await isListening(hubPort)).toBe(true);
    await stack.stop();
    expect(await isListening(portOf(stack.url))).toBe(false);
    expect(await isListening(portOf(stack.dynamoEndpoint))).toBe(false);
    expect(await isListening(hubPort)).toBe(false);
    await expect(stack.functions.get(PROBE.probeFunction)!.invoke({}, 'http')).rejects.toThrow(/stopped/);
  });

  it('fails to start on a port in use, and leaves nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const firstApiPort = await freePort();
    try {
      await expect(
        startLocalStack({ assemblyDir, synth: false, port: firstApiPort, dynamoPort: port }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // The API port had opened before the DynamoDB port was refused; it must be closed again.
      expect(await isListening(firstApiPort)).toBe(false);

      const [apiPort, otherDynamoPort] = [await freePort(), await freePort()];
      await expect(
        startLocalStack({
          assemblyDir,
          synth: false,
          port: apiPort,
          dynamoPort: otherDynamoPort,
          hubPort: port,
          env: {},
        }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      expect(await isListening(apiPort)).toBe(false);
      expect(await isListening(otherDynamoPort)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
