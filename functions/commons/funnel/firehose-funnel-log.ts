import { type FirehoseStream, firehoseStream } from '#shared/aws/firehose.ts';
import type { FunnelLog } from './funnel-log.ts';
import { type FunnelRecord, funnelLine, type JobStep, jobStepRecord } from './funnel-record.ts';
import { funnelStreamIndexOf } from './funnel-streams.ts';

/**
 * The funnel log as Firehose delivery streams into S3 (JSON lines): one PutRecord per tap, on the stream the
 * record's id hashes to (funnel-streams.ts), no DynamoDB write. Firehose may deliver a record twice: the queries
 * count distinct ids.
 */
export class FirehoseFunnelLog implements FunnelLog {
  constructor(private readonly streams: readonly [FirehoseStream, ...FirehoseStream[]]) {}

  record(record: FunnelRecord): Promise<void> {
    const stream = this.streams[funnelStreamIndexOf(record.id, this.streams.length)] ?? this.streams[0];
    return stream.put(funnelLine(record));
  }

  recordStep(step: JobStep): Promise<void> {
    return this.record(jobStepRecord(step));
  }
}

export const firehoseFunnelLog = (streamNames: readonly [string, ...string[]]): FunnelLog => {
  const [first, ...others] = streamNames;
  return new FirehoseFunnelLog([firehoseStream(first), ...others.map(firehoseStream)]);
};
