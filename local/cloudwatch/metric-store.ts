/** A CloudWatch metric: namespace, name and the exact set of dimensions (CloudWatch matches all of them). */
export interface MetricIdentity {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** One published value and its instant (epoch ms on the metrics' clock). */
export interface Datapoint {
  readonly at: number;
  readonly value: number;
}

const keyOf = (metric: MetricIdentity): string =>
  [
    metric.namespace,
    metric.metricName,
    ...Object.entries(metric.dimensions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => `${name}=${value}`),
  ].join('\u0001');

/**
 * The datapoints the local stack publishes, as CloudWatch keeps them: per metric (namespace, name, dimensions),
 * each with its instant on the alarm clock. Points older than the retention are dropped.
 */
export class MetricStore {
  private readonly series = new Map<string, Datapoint[]>();

  constructor(private readonly retentionMs = 24 * 3600_000) {}

  put(metric: MetricIdentity, value: number, at: number): void {
    const key = keyOf(metric);
    let points = this.series.get(key);
    if (!points) {
      points = [];
      this.series.set(key, points);
    }
    points.push({ at, value });
    const oldest = at - this.retentionMs;
    while (points.length > 0 && points[0]!.at < oldest) points.shift();
  }

  /** The values of a metric in [from, to). */
  values(metric: MetricIdentity, from: number, to: number): number[] {
    return this.points(metric, from, to).map((point) => point.value);
  }

  /** The datapoints of a metric in [from, to), in the order they were put. */
  points(metric: MetricIdentity, from: number, to: number): Datapoint[] {
    return (this.series.get(keyOf(metric)) ?? []).filter((point) => point.at >= from && point.at < to);
  }
}
