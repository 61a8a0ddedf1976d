import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FunnelRecord } from '#funnel/funnel-record.ts';
import type { LocalDeliveryStreams } from '../../local/firehose/local-delivery-streams.ts';

/** Every record a local funnel stream has delivered into its bucket (flushed first), read back from the objects. */
export const deliveredFunnelRecords = async (
  streams: LocalDeliveryStreams,
  streamName: string,
): Promise<FunnelRecord[]> => {
  await streams.flush();
  const bucket = streams.bucketDir(streamName);
  if (!bucket) throw new Error(`no delivery stream ${streamName}`);
  const entries = await readdir(bucket, { recursive: true, withFileTypes: true }).catch(() => []);
  const records: FunnelRecord[] = [];
  for (const file of entries.filter((entry) => entry.isFile())) {
    const bytes = await readFile(join(file.parentPath, file.name));
    const text = (file.name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    for (const line of text.split('\n')) if (line !== '') records.push(JSON.parse(line) as FunnelRecord);
  }
  return records;
};
