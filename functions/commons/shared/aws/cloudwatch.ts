import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult } from '@aws-sdk/client-cloudwatch';

let cloudWatch: CloudWatchClient | undefined;

/** One metric of a GetMetricData call: its namespace, name and dimensions. */
export interface MetricName {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A period's statistic: the period's start (epoch ms) and its value. */
export interface PeriodValue {
  readonly at: number;
  readonly value: number;
}

/**
 * The `statistic` of each of `metrics` per `periodSeconds` over [`from`, `to`), one GetMetricData call (its pages
 * put together; at most 500 metrics): for each metric, in order, its periods that have datapoints.
 */
export const periodValues = async (
  metrics: readonly MetricName[],
  {
    from,
    to,
    periodSeconds,
    statistic,
  }: { from: number; to: number; periodSeconds: number; statistic: string },
): Promise<PeriodValue[][]> => {
  cloudWatch ??= new CloudWatchClient({});
  const client = cloudWatch;
  const results: MetricDataResult[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(from),
        EndTime: new Date(to),
        MetricDataQueries: metrics.map((metric, index) => ({
          Id: `m${index}`,
          MetricStat: {
            Metric: {
              Namespace: metric.namespace,
              MetricName: metric.metricName,
              Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: periodSeconds,
            Stat: statistic,
          },
        })),
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    results.push(...(answer.MetricDataResults ?? []));
    nextToken = answer.NextToken;
  } while (nextToken);
  return metrics.map((_, index) =>
    results
      .filter((result) => result.Id === `m${index}`)
      .flatMap((result) =>
        (result.Timestamps ?? []).flatMap((stamp, at) => {
          const value = result.Values?.[at];
          return value === undefined ? [] : [{ at: stamp.getTime(), value }];
        }),
      ),
  );
};
