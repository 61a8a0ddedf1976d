import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { logger } from '#shared/observability.ts';

/**
 * Firehose's own report of what it has delivered, read from CloudWatch: each stream's `DeliveryToS3.DataFreshness`
 * is "the age of the oldest record in Firehose; any record older than this age has been delivered to the S3
 * bucket". A sample at instant s of age X says every record that entered the stream before s − X is in S3, so a
 * period that starts at T with Maximum X says it of every record that entered before T − X. The log is delivered
 * through the earliest of those over its streams: the hours before it are final within minutes instead of the 25 h
 * Firehose may take to retry a delivery (funnel-rollup.ts `finalTapHour`).
 *
 * A stream with no datapoint in the window (idle, or its metrics not yet published) leaves the instant unknown:
 * the reads then fall back to the clock's 25 h. So the watermark helps exactly when every stream is busy, as under
 * a viral video, whose hours are the ones a read must not scan.
 */
export type DeliveredThrough = () => Promise<number | undefined>;

export const FRESHNESS_NAMESPACE = 'AWS/Firehose';
export const FRESHNESS_METRIC = 'DeliveryToS3.DataFreshness';
const PERIOD_SECONDS = 60;
/** How far back a read looks for each stream's latest period. */
const WINDOW_MS = 10 * 60_000;
/**
 * How long an environment keeps what it read: the watermark only moves forward, so an older one is safe, and the
 * metric has one datapoint a minute. It also bounds the calls: GetMetricData allows 50 a second per account.
 */
export const WATERMARK_KEPT_MS = 60_000;

/**
 * The instant the log is delivered through, from one GetMetricData answer (a result per stream, in order): each
 * stream's latest period start less its Maximum age; undefined when a stream has no datapoint.
 */
export const deliveredThroughOf = (
  results: readonly MetricDataResult[],
  streamCount: number,
): number | undefined => {
  let through = Number.POSITIVE_INFINITY;
  for (let index = 0; index < streamCount; index++) {
    const result = results.find((candidate) => candidate.Id === queryId(index));
    const latest = latestOf(result);
    if (!latest) return undefined;
    through = Math.min(through, latest.at - latest.ageSeconds * 1000);
  }
  return Number.isFinite(through) ? through : undefined;
};

const latestOf = (result: MetricDataResult | undefined): { at: number; ageSeconds: number } | undefined => {
  const stamps = result?.Timestamps ?? [];
  const values = result?.Values ?? [];
  let latest: { at: number; ageSeconds: number } | undefined;
  stamps.forEach((stamp, index) => {
    const ageSeconds = values[index];
    if (ageSeconds === undefined || !Number.isFinite(ageSeconds) || ageSeconds < 0) return;
    if (!latest || stamp.getTime() > latest.at) latest = { at: stamp.getTime(), ageSeconds };
  });
  return latest;
};

const queryId = (index: number): string => `s${index}`;

/**
 * The funnel log's delivery watermark for its streams (`streamNames`, at most 500: one query each), read at most
 * once per `WATERMARK_KEPT_MS` per environment, reads arriving meanwhile sharing it. A failed read is unknown
 * (the reads fall back to the clock), logged, and not kept.
 */
export const cloudWatchDeliveredThrough = (
  streamNames: readonly string[],
  {
    client = new CloudWatchClient({}),
    now = Date.now,
  }: { readonly client?: CloudWatchClient; readonly now?: () => number } = {},
): DeliveredThrough => {
  let kept: { readonly at: number; readonly value: Promise<number | undefined> } | undefined;
  const read = async (): Promise<number | undefined> => {
    const end = now();
    const results: MetricDataResult[] = [];
    let nextToken: string | undefined;
    do {
      const answer = await client.send(
        new GetMetricDataCommand({
          StartTime: new Date(end - WINDOW_MS),
          EndTime: new Date(end),
          ScanBy: 'TimestampDescending',
          MetricDataQueries: streamNames.map((name, index) => ({
            Id: queryId(index),
            MetricStat: {
              Metric: {
                Namespace: FRESHNESS_NAMESPACE,
                MetricName: FRESHNESS_METRIC,
                Dimensions: [{ Name: 'DeliveryStreamName', Value: name }],
              },
              Period: PERIOD_SECONDS,
              Stat: 'Maximum',
            },
          })),
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      results.push(...(answer.MetricDataResults ?? []));
      nextToken = answer.NextToken;
    } while (nextToken);
    return deliveredThroughOf(merge(results), streamNames.length);
  };
  return () => {
    const at = now();
    if (kept && at - kept.at < WATERMARK_KEPT_MS) return kept.value;
    const value = read().catch((error: unknown) => {
      logger.warn('the funnel log’s delivery could not be read', {
        error: error instanceof Error ? error.name : 'unknown',
      });
      kept = undefined;
      return undefined;
    });
    kept = { at, value };
    return value;
  };
};

/** Pages of one answer put back together: each query's timestamps and values under its id. */
const merge = (results: readonly MetricDataResult[]): MetricDataResult[] => {
  const byId = new Map<string, { Timestamps: Date[]; Values: number[] }>();
  for (const result of results) {
    const id = result.Id ?? '';
    const merged = byId.get(id) ?? { Timestamps: [], Values: [] };
    merged.Timestamps.push(...(result.Timestamps ?? []));
    merged.Values.push(...(result.Values ?? []));
    byId.set(id, merged);
  }
  return [...byId].map(([Id, merged]) => ({ Id, ...merged }));
};
