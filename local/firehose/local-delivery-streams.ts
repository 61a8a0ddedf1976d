import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { isJsonObject, type JsonObject } from '#shared/json.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import type { MetricIdentity } from '../cloudwatch/metric-store.ts';
import { arrayField, numberField, objectField, stringField } from '../json.ts';

/** A DirectPut delivery stream to S3 as the template declares it. */
export interface DeliveryStreamModel {
  readonly name: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly bufferSeconds: number;
  readonly gzip: boolean;
}

/** Off the main thread (libuv's pool): the stack's one thread also serves the taps whose records these are. */
const gzipped = promisify(gzip);

/** Firehose's defaults when the template leaves the buffering hints out. */
const DEFAULT_BUFFER_SECONDS = 300;
/** PutRecord's limit on one record (1,000 KiB before base64). */
const MAX_RECORD_BYTES = 1_024_000;
const MAX_BATCH_RECORDS = 500;
/**
 * How often a stream holding records samples its DataFreshness. CloudWatch keeps Firehose's per minute; a
 * sample a second lets a period's Maximum be the oldest age within a second, and tests wait seconds, not minutes.
 */
const FRESHNESS_SAMPLE_MS = 1_000;

export const deliveryStreamsOf = (resources: readonly ResolvedResource[]): DeliveryStreamModel[] =>
  ofType(resources, 'AWS::KinesisFirehose::DeliveryStream').flatMap((resource) => {
    const s3 = objectField(resource.properties, 'ExtendedS3DestinationConfiguration');
    const bucketArn = s3 ? stringField(s3, 'BucketARN') : undefined;
    if (!s3 || !bucketArn) return [];
    const hints = objectField(s3, 'BufferingHints');
    return [
      {
        name: resource.identity.ref,
        bucket: bucketArn.split(':::')[1] ?? bucketArn,
        prefix: stringField(s3, 'Prefix') ?? '',
        bufferSeconds:
          (hints ? numberField(hints, 'IntervalInSeconds') : undefined) ?? DEFAULT_BUFFER_SECONDS,
        gzip: stringField(s3, 'CompressionFormat') === 'GZIP',
      },
    ];
  });

/** Firehose's `!{timestamp:yyyy-MM-dd}` namespaces (UTC), the only ones a DirectPut prefix uses here. */
const expandPrefix = (prefix: string, at: Date): string =>
  prefix.replaceAll(/!\{timestamp:([^}]+)\}/g, (_, pattern: string) =>
    pattern
      .replace('yyyy', String(at.getUTCFullYear()))
      .replace('MM', String(at.getUTCMonth() + 1).padStart(2, '0'))
      .replace('dd', String(at.getUTCDate()).padStart(2, '0'))
      .replace('HH', String(at.getUTCHours()).padStart(2, '0')),
  );

export class FirehoseError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where the streams publish their own CloudWatch metrics, and the clock those metrics keep (the stack's
 * metrics: `LocalMetrics`).
 */
export interface FirehoseMetricSink {
  /** Epoch ms on the metrics' clock: each record is stamped with it as it enters. */
  now(): number;
  put(metric: MetricIdentity, value: number): void;
}

/** Firehose's DeliveryToS3.DataFreshness of a stream: the age in seconds of its oldest record not delivered. */
export const dataFreshnessMetric = (streamName: string): MetricIdentity => ({
  namespace: 'AWS/Firehose',
  metricName: 'DeliveryToS3.DataFreshness',
  dimensions: { DeliveryStreamName: streamName },
});

interface BufferedRecord {
  readonly data: Buffer;
  /** When it entered the stream, on the metrics' clock. */
  readonly enteredAt: number;
}

interface Buffered {
  readonly model: DeliveryStreamModel;
  records: BufferedRecord[];
}

/**
 * The template's delivery streams: records are buffered as Firehose buffers them (the template's interval) and
 * written as one object per flush under `<root>/<bucket>/<prefix>` — the local bucket the queries read. A flush
 * writes the object before it forgets the records (at-least-once, as Firehose). `flush()` delivers now.
 *
 * With a metric sink, each stream publishes DeliveryToS3.DataFreshness as Firehose does: sampled while it holds
 * records, and at each delivery (0 when the delivery left it empty). An idle stream publishes nothing.
 */
export class LocalDeliveryStreams {
  private readonly streams = new Map<string, Buffered>();
  private readonly timers: NodeJS.Timeout[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    models: readonly DeliveryStreamModel[],
    readonly root: string,
    private readonly metrics?: FirehoseMetricSink,
  ) {
    for (const model of models) {
      this.streams.set(model.name, { model, records: [] });
      this.every(model.bufferSeconds * 1000, () => void this.flush(model.name));
    }
    if (metrics) this.every(FRESHNESS_SAMPLE_MS, () => this.sampleFreshness());
  }

  /** The bucket's directory: where Athena's table (DuckDB locally) reads the stream's objects. */
  bucketDir(streamName: string): string | undefined {
    const stream = this.streams.get(streamName);
    return stream ? join(this.root, stream.model.bucket) : undefined;
  }

  putRecord(input: JsonObject): JsonObject {
    const stream = this.streamOf(input);
    const record = objectField(input, 'Record');
    stream.records.push(this.entering(this.dataOf(record)));
    return { RecordId: randomUUID(), Encrypted: false };
  }

  putRecordBatch(input: JsonObject): JsonObject {
    const stream = this.streamOf(input);
    const records = arrayField(input, 'Records').filter(isJsonObject);
    if (records.length === 0 || records.length > MAX_BATCH_RECORDS)
      throw new FirehoseError(
        'InvalidArgumentException',
        `Records must hold 1 to ${MAX_BATCH_RECORDS} records.`,
      );
    const data = records.map((record) => this.dataOf(record));
    stream.records.push(...data.map((bytes) => this.entering(bytes)));
    return {
      FailedPutCount: 0,
      Encrypted: false,
      RequestResponses: data.map(() => ({ RecordId: randomUUID() })),
    };
  }

  /** Delivers what every stream (or the one named) has buffered: one object each. */
  flush(streamName?: string): Promise<void> {
    const names = streamName ? [streamName] : [...this.streams.keys()];
    this.flushing = this.flushing.then(async () => {
      for (const name of names) await this.deliver(name);
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.flush();
  }

  private async deliver(name: string): Promise<void> {
    const stream = this.streams.get(name);
    if (!stream || stream.records.length === 0) return;
    const { model } = stream;
    // What is buffered now: records put while this object is written wait for the next flush.
    const count = stream.records.length;
    const records = stream.records.slice(0, count);
    const at = new Date();
    const dir = join(this.root, model.bucket, expandPrefix(model.prefix, at));
    const body = Buffer.concat(records.map((record) => record.data));
    const stamp = at.toISOString().replaceAll(/[:.]/g, '-');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, `${model.name}-${stamp}-${randomUUID()}${model.gzip ? '.gz' : ''}`),
      model.gzip ? await gzipped(body) : body,
    );
    stream.records = stream.records.slice(count);
    this.publishFreshness(stream);
  }

  private every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private entering(data: Buffer): BufferedRecord {
    return { data, enteredAt: this.metrics?.now() ?? Date.now() };
  }

  private sampleFreshness(): void {
    for (const stream of this.streams.values()) if (stream.records.length > 0) this.publishFreshness(stream);
  }

  /**
   * The age of the oldest record still held (records put while a flush wrote stay), 0 for an empty stream; whole
   * seconds rounded up, so that "older than this age has been delivered" never claims a record still held.
   */
  private publishFreshness(stream: Buffered): void {
    if (!this.metrics) return;
    const oldest = stream.records[0];
    const ageMs = oldest ? this.metrics.now() - oldest.enteredAt : 0;
    this.metrics.put(dataFreshnessMetric(stream.model.name), Math.max(0, Math.ceil(ageMs / 1000)));
  }

  private streamOf(input: JsonObject): Buffered {
    const name = stringField(input, 'DeliveryStreamName') ?? '';
    const stream = this.streams.get(name);
    if (!stream)
      throw new FirehoseError('ResourceNotFoundException', `Firehose ${name} under account not found.`);
    return stream;
  }

  private dataOf(record: JsonObject | undefined): Buffer {
    const data = record ? stringField(record, 'Data') : undefined;
    if (data === undefined) throw new FirehoseError('InvalidArgumentException', 'Record.Data is required.');
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length > MAX_RECORD_BYTES)
      throw new FirehoseError('InvalidArgumentException', `Record.Data is over ${MAX_RECORD_BYTES} bytes.`);
    return bytes;
  }
}
