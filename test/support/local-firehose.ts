import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isJsonObject } from '#shared/json.ts';
import { LocalDeliveryStreams } from '../../local/firehose/local-delivery-streams.ts';

/**
 * The local runtime's Firehose on a loopback port of its own, for a bundle run outside the stack: one stream,
 * delivering into a temporary bucket; `stop` removes it.
 */
export const startLocalFirehose = async (
  streamName: string,
): Promise<{ url: string; streams: LocalDeliveryStreams; stop: () => Promise<void> }> => {
  const root = await mkdtemp(join(tmpdir(), 'reelhire-firehose-'));
  const streams = new LocalDeliveryStreams(
    [{ name: streamName, bucket: 'funnel', prefix: 'funnel/', bufferSeconds: 60, gzip: false }],
    root,
  );
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const input: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const operation = String(request.headers['x-amz-target']).split('.')[1];
      const body = isJsonObject(input)
        ? operation === 'PutRecordBatch'
          ? streams.putRecordBatch(input)
          : streams.putRecord(input)
        : {};
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    streams,
    stop: async () => {
      await new Promise<void>((closed) => server.close(() => closed()));
      await streams.close();
      await rm(root, { recursive: true, force: true });
    },
  };
};
