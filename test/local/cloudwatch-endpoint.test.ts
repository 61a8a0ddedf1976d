import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActivityLog } from '../../local/activity-log.ts';
import type { MetricIdentity } from '../../local/cloudwatch/metric-store.ts';
import {
  type DeliveryStreamModel,
  dataFreshnessMetric,
  LocalDeliveryStreams,
} from '../../local/firehose/local-delivery-streams.ts';
import { functionEnvironment } from '../../local/lambda/function-environment.ts';
import { type LocalMetrics, startMetrics } from '../../local/stack/metrics.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { localClientConfig } from '../../local/testing/local-clients.ts';
import { type AwsEndpoints, startAwsEndpoints } from '../support/aws-endpoints.ts';

// CloudWatch GetMetricData on the local AWS endpoint, through the real @aws-sdk/client-cloudwatch, over the
// DataFreshness the local Firehose publishes: the age of a stream's oldest record not yet delivered.

const stream = (name: string): DeliveryStreamModel => ({
  name,
  bucket: 'funnel',
  prefix: `${name}/`,
  bufferSeconds: 300,
  gzip: false,
});

/** The last ten minutes of one stream's DataFreshness, per `period` seconds, as the funnel reader asks. */
const freshnessQuery = (id: string, streamName: string, stat = 'Maximum', period = 60): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: 'AWS/Firehose',
      MetricName: 'DeliveryToS3.DataFreshness',
      Dimensions: [{ Name: 'DeliveryStreamName', Value: streamName }],
    },
    Period: period,
    Stat: stat,
  },
});

const lastTenMinutes = (queries: MetricDataQuery[]): GetMetricDataCommandInput => ({
  MetricDataQueries: queries,
  StartTime: new Date(Date.now() - 600_000),
  EndTime: new Date(Date.now() + 1000),
});

describe('GetMetricData on the local endpoint, over Firehose’s DataFreshness', () => {
  let root: string;
  let metrics: LocalMetrics;
  let streams: LocalDeliveryStreams;
  let endpoints: AwsEndpoints;
  let cloudWatch: CloudWatchClient;
  let firehose: FirehoseClient;

  const put = (streamName: string, line: string) =>
    firehose.send(
      new PutRecordCommand({ DeliveryStreamName: streamName, Record: { Data: Buffer.from(`${line}\n`) } }),
    );
  const read = async (queries: MetricDataQuery[]) =>
    (await cloudWatch.send(new GetMetricDataCommand(lastTenMinutes(queries)))).MetricDataResults ?? [];
  const pointsOf = (metric: MetricIdentity) => metrics.store.points(metric, 0, Number.POSITIVE_INFINITY);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'reelhire-cloudwatch-'));
    metrics = startMetrics({ activity: new ActivityLog(), timeScale: 1 });
    streams = new LocalDeliveryStreams([stream('held'), stream('later'), stream('idle')], root, metrics);
    endpoints = await startAwsEndpoints({ services: { firehose: streams, metrics: metrics.store } });
    cloudWatch = new CloudWatchClient({ ...localClientConfig(endpoints.url), maxAttempts: 1 });
    firehose = new FirehoseClient(localClientConfig(endpoints.url));
  });
  afterAll(async () => {
    cloudWatch?.destroy();
    firehose?.destroy();
    await endpoints?.close();
    await streams?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('reports the age of a held record, 0 once it is delivered, then nothing; a stream never written has no value', async () => {
    const putAt = Date.now();
    await put('held', '{"kind":"tap"}');
    // Its oldest record at least two seconds old: the sampler has run since, on a stream still holding it.
    const [held, idle] = await eventually(
      async () => {
        const results = await read([freshnessQuery('held', 'held'), freshnessQuery('idle', 'idle')]);
        return (results[0]?.Values?.[0] ?? 0) >= 2 ? results : undefined;
      },
      { timeoutMs: 30_000, what: 'a DataFreshness of 2 s for the held stream' },
    );
    const age = (Date.now() - putAt) / 1000;
    expect(held).toMatchObject({ Id: 'held', Label: 'DeliveryToS3.DataFreshness', StatusCode: 'Complete' });
    // Never older than the record really is, rounded up to whole seconds; one value per minute, stamped with the
    // minute's start.
    expect(held?.Values?.[0]).toBeLessThanOrEqual(Math.ceil(age));
    expect((held?.Timestamps?.[0]?.getTime() ?? 1) % 60_000).toBe(0);
    expect(idle).toMatchObject({ Id: 'idle', Timestamps: [], Values: [], StatusCode: 'Complete' });

    await streams.flush('held');
    const [latest] = await read([freshnessQuery('held', 'held', 'Minimum', 1)]);
    expect(latest?.Values?.[0]).toBe(0);
    const publishedByHeld = pointsOf(dataFreshnessMetric('held')).length;

    // The sampler visits every stream at once: once it has sampled a stream written after the flush, it has
    // seen the delivered one empty, and that one has published nothing more.
    await put('later', '{"kind":"tap"}');
    await eventually(() => (pointsOf(dataFreshnessMetric('later')).length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'a DataFreshness sample of the stream written after the flush',
    });
    expect(pointsOf(dataFreshnessMetric('held'))).toHaveLength(publishedByHeld);
    expect(pointsOf(dataFreshnessMetric('idle'))).toEqual([]);
  });

  it.each([
    ['no query', [], /must hold 1 to 500 queries; it holds 0/],
    [
      '501 queries',
      Array.from({ length: 501 }, (_, index) => freshnessQuery(`q${index}`, 'held')),
      /it holds 501/,
    ],
    [
      'a period of 45 seconds',
      [freshnessQuery('q', 'held', 'Maximum', 45)],
      /Period must be 1, 5, 10, 20, 30/,
    ],
  ])('raises ValidationException for %s, as against CloudWatch', async (_, queries, message) => {
    const refused = read(queries);
    await expect(refused).rejects.toBeInstanceOf(CloudWatchServiceException);
    await expect(refused).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(message),
      $metadata: { httpStatusCode: 400 },
      $fault: 'client',
    });
  });
});

describe('the delivery stream’s DataFreshness', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'reelhire-freshness-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('after a flush, is the age of the oldest record put while the flush wrote its object', async () => {
    let clock = 0;
    const published: number[] = [];
    const streams = new LocalDeliveryStreams([stream('s')], root, {
      now: () => clock,
      put: (metric, value) => {
        if (metric.dimensions.DeliveryStreamName === 's') published.push(value);
      },
    });
    try {
      const record = (text: string) => ({
        DeliveryStreamName: 's',
        Record: { Data: Buffer.from(text).toString('base64') },
      });
      streams.putRecord(record('first\n'));
      const flushing = streams.flush('s');
      // The flush has taken what was buffered and waits on the file system: this record waits for the next one.
      await Promise.resolve();
      clock = 5_000;
      streams.putRecord(record('second\n'));
      clock = 12_500;
      await flushing;
      // 7.5 s, rounded up: a record of that age is still held.
      expect(published.at(-1)).toBe(8);
      const [object] = await readdir(join(root, 'funnel', 's'));
      expect(await readFile(join(root, 'funnel', 's', object ?? ''), 'utf8')).toBe('first\n');

      await streams.flush('s');
      expect(published.at(-1)).toBe(0);
    } finally {
      await streams.close();
    }
  });
});

describe('a function’s CloudWatch endpoint', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is the local AWS endpoint, where `new CloudWatchClient({})` sends GetMetricData', async () => {
    const metrics = startMetrics({ activity: new ActivityLog(), timeScale: 1 });
    metrics.put(dataFreshnessMetric('funnel'), 42);
    const endpoints = await startAwsEndpoints({ services: { metrics: metrics.store } });
    const environment = functionEnvironment({
      functionName: 'reader',
      memoryMb: 256,
      handler: 'index.handler',
      taskRoot: tmpdir(),
      variables: {},
      endpoints: { apiUrl: endpoints.url, dynamoEndpoint: 'http://127.0.0.1:1' },
      credentials: { accessKeyId: 'ASIAREADER', secretAccessKey: 'secret', sessionToken: 'token' },
      viewerTokenSecret: 'viewer',
      publicBaseUrl: endpoints.url,
      youtubeHubUrl: `${endpoints.url}/hub`,
    });
    expect(environment.AWS_ENDPOINT_URL_CLOUDWATCH).toBe(endpoints.url);
    for (const [name, value] of Object.entries(environment))
      if (name.startsWith('AWS_') && name !== 'AWS_ENDPOINT_URL') vi.stubEnv(name, value);
    const client = new CloudWatchClient({});
    try {
      const { MetricDataResults } = await client.send(
        new GetMetricDataCommand(lastTenMinutes([freshnessQuery('funnel', 'funnel')])),
      );
      expect(MetricDataResults?.[0]?.Values).toEqual([42]);
    } finally {
      client.destroy();
      await endpoints.close();
    }
  });
});
