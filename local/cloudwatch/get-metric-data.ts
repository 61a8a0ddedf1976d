import type { MetricStat } from './alarm-model.ts';
import type { MetricDataRequest, ScanBy } from './metric-data-request.ts';
import type { MetricStore } from './metric-store.ts';
import { statisticOf } from './statistics.ts';

/** One query's answer, as GetMetricData's MetricDataResult: one value per period that has datapoints. */
export interface MetricDataResult {
  readonly Id: string;
  readonly Label: string;
  /** Each period's start, in epoch seconds (AWS JSON's timestamps). */
  readonly Timestamps: readonly number[];
  readonly Values: readonly number[];
  readonly StatusCode: 'Complete';
}

interface PeriodValue {
  readonly start: number;
  readonly value: number;
}

/**
 * The statistic of each period holding datapoints: periods are whole multiples of the Period since the epoch,
 * from the one holding StartTime (all of it) to EndTime (exclusive, as CloudWatch's); a period without any
 * datapoint has no value at all (CloudWatch leaves it out rather than answer 0).
 */
const periodValues = (
  store: MetricStore,
  stat: MetricStat,
  request: MetricDataRequest,
): readonly PeriodValue[] => {
  const periodMs = stat.periodSeconds * 1000;
  const periodOf = (at: number) => Math.floor(at / periodMs) * periodMs;
  const byPeriod = new Map<number, number[]>();
  for (const point of store.points(stat.metric, periodOf(request.startTime), request.endTime)) {
    const start = periodOf(point.at);
    const values = byPeriod.get(start);
    if (values) values.push(point.value);
    else byPeriod.set(start, [point.value]);
  }
  return [...byPeriod].flatMap(([start, values]) => {
    const value = statisticOf(stat.statistic, values);
    return value === undefined ? [] : [{ start, value }];
  });
};

const ORDER: Readonly<Record<ScanBy, (a: PeriodValue, b: PeriodValue) => number>> = {
  TimestampDescending: (a, b) => b.start - a.start,
  TimestampAscending: (a, b) => a.start - b.start,
};

/** GetMetricData over the store: a result for each query that returns data, in the request's order. */
export const getMetricData = (store: MetricStore, request: MetricDataRequest): MetricDataResult[] =>
  request.queries
    .filter((query) => query.returnData)
    .map((query) => {
      const values = [...periodValues(store, query.stat, request)].sort(ORDER[request.scanBy]);
      return {
        Id: query.id,
        Label: query.label,
        Timestamps: values.map((period) => period.start / 1000),
        Values: values.map((period) => period.value),
        StatusCode: 'Complete',
      };
    });
