import { type FirehoseStream, firehoseStream } from '#shared/aws/firehose.ts';
import type { FunnelLog } from './funnel-log.ts';
import { type FunnelRecord, funnelLine, type JobStep, jobStepRecord } from './funnel-record.ts';

/**
 * The funnel log as a Firehose delivery stream into S3 (JSON lines): one PutRecord per tap, no DynamoDB write.
 * Firehose may deliver a record twice: the queries count distinct ids.
 */
export class FirehoseFunnelLog implements FunnelLog {
  constructor(private readonly stream: FirehoseStream) {}

  record(record: FunnelRecord): Promise<void> {
    return this.stream.put(funnelLine(record));
  }

  recordStep(step: JobStep): Promise<void> {
    return this.record(jobStepRecord(step));
  }
}

export const firehoseFunnelLog = (streamName: string): FunnelLog =>
  new FirehoseFunnelLog(firehoseStream(streamName));
