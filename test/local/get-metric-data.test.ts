import { describe, expect, it } from 'vitest';
import { CloudWatchError } from '../../local/cloudwatch/cloudwatch-error.ts';
import { getMetricData } from '../../local/cloudwatch/get-metric-data.ts';
import { metricDataRequestOf } from '../../local/cloudwatch/metric-data-request.ts';
import { type MetricIdentity, MetricStore } from '../../local/cloudwatch/metric-store.ts';
import type { JsonObject } from '../../local/json.ts';

// GetMetricData's computation over the local metric store: one value per period holding datapoints, periods
// aligned on multiples of the Period since the epoch, stamped with their start; and CloudWatch's validation.

/** A minute boundary (1,700,000,040 s is 28,333,334 minutes), in ms. */
const MINUTE = 1_700_000_040_000;
const SECOND = 1000;

const freshness = (stream: string): MetricIdentity => ({
  namespace: 'AWS/Firehose',
  metricName: 'DeliveryToS3.DataFreshness',
  dimensions: { DeliveryStreamName: stream },
});

const storeWith = (points: readonly (readonly [MetricIdentity, number, number])[]): MetricStore => {
  const store = new MetricStore(Number.POSITIVE_INFINITY);
  for (const [metric, at, value] of points) store.put(metric, value, at);
  return store;
};

/** The query of a MetricStat as the SDK sends it (AWS JSON: times in epoch seconds). */
const metricStat = (stream: string, stat: string, period: number): JsonObject => ({
  Metric: {
    Namespace: 'AWS/Firehose',
    MetricName: 'DeliveryToS3.DataFreshness',
    Dimensions: [{ Name: 'DeliveryStreamName', Value: stream }],
  },
  Period: period,
  Stat: stat,
});

const request = (queries: readonly JsonObject[], from: number, to: number, extra: JsonObject = {}) => ({
  MetricDataQueries: [...queries],
  StartTime: from / 1000,
  EndTime: to / 1000,
  ...extra,
});

const answer = (store: MetricStore, input: JsonObject) => getMetricData(store, metricDataRequestOf(input));

describe('GetMetricData over the metric store', () => {
  const store = storeWith([
    // The period before the one holding StartTime.
    [freshness('funnel'), MINUTE - 1 * SECOND, 99],
    // The period holding StartTime (MINUTE + 30 s): all of it counts, the points before StartTime too.
    [freshness('funnel'), MINUTE + 5 * SECOND, 10],
    [freshness('funnel'), MINUTE + 50 * SECOND, 30],
    [freshness('funnel'), MINUTE + 59.999 * SECOND, 20],
    // Nothing in [MINUTE + 60 s, MINUTE + 120 s).
    [freshness('funnel'), MINUTE + 120 * SECOND, 7],
    // At or after EndTime (MINUTE + 150 s), which is exclusive.
    [freshness('funnel'), MINUTE + 150 * SECOND, 1000],
    [freshness('funnel'), MINUTE + 181 * SECOND, 1000],
    // Another stream: CloudWatch matches the dimensions exactly.
    [freshness('other'), MINUTE + 10 * SECOND, 500],
  ]);
  const window = [MINUTE + 30 * SECOND, MINUTE + 150 * SECOND] as const;

  it.each([
    ['Maximum', [7, 30]],
    ['Minimum', [7, 10]],
    ['Sum', [7, 60]],
    ['Average', [7, 20]],
    ['SampleCount', [1, 3]],
    ['p50', [7, 20]],
  ])('answers the %s of each period holding datapoints, newest first', (stat, values) => {
    expect(
      answer(store, request([{ Id: 'm1', MetricStat: metricStat('funnel', stat, 60) }], ...window)),
    ).toEqual([
      {
        Id: 'm1',
        Label: 'DeliveryToS3.DataFreshness',
        Timestamps: [(MINUTE + 120 * SECOND) / 1000, MINUTE / 1000],
        Values: values,
        StatusCode: 'Complete',
      },
    ]);
  });

  it('aligns periods on multiples of the Period since the epoch, whatever StartTime is', () => {
    const [result] = answer(
      store,
      request([{ Id: 'five', MetricStat: metricStat('funnel', 'Maximum', 300) }], ...window),
    );
    // StartTime (1,700,000,070 s) lies in the five-minute period starting at 1,699,999,800 s: the 99 one second
    // before MINUTE is in it too. The next period starts at 1,700,000,100 s, and holds the 7 but not what came
    // at EndTime or after.
    expect(result).toMatchObject({ Timestamps: [1_700_000_100, 1_699_999_800], Values: [7, 99] });
    expect(
      answer(store, request([{ Id: 'one', MetricStat: metricStat('funnel', 'Maximum', 1) }], ...window))[0],
    ).toMatchObject({
      Timestamps: [1_700_000_160, 1_700_000_099, 1_700_000_090],
      Values: [7, 20, 30],
    });
  });

  it('scans oldest first when asked, labels as told and leaves out the queries that return no data', () => {
    const results = answer(
      store,
      request(
        [
          { Id: 'asc', Label: 'funnel freshness', MetricStat: metricStat('funnel', 'Maximum', 60) },
          { Id: 'hidden', ReturnData: false, MetricStat: metricStat('funnel', 'Maximum', 60) },
          { Id: 'other', MetricStat: metricStat('other', 'Maximum', 60) },
        ],
        ...window,
        { ScanBy: 'TimestampAscending' },
      ),
    );
    expect(results.map((result) => [result.Id, result.Label, result.Timestamps, result.Values])).toEqual([
      ['asc', 'funnel freshness', [MINUTE / 1000, (MINUTE + 120 * SECOND) / 1000], [30, 7]],
      ['other', 'DeliveryToS3.DataFreshness', [MINUTE / 1000], [500]],
    ]);
  });

  it('answers no value at all for a metric without datapoints', () => {
    expect(
      answer(store, request([{ Id: 'idle', MetricStat: metricStat('idle', 'Maximum', 60) }], ...window)),
    ).toEqual([
      { Id: 'idle', Label: 'DeliveryToS3.DataFreshness', Timestamps: [], Values: [], StatusCode: 'Complete' },
    ]);
  });
});

describe('GetMetricData validation', () => {
  const query = (overrides: JsonObject = {}): JsonObject => ({
    Id: 'm1',
    MetricStat: metricStat('funnel', 'Maximum', 60),
    ...overrides,
  });
  const window = [MINUTE, MINUTE + 600 * SECOND] as const;

  const refusal = (input: JsonObject): CloudWatchError => {
    try {
      metricDataRequestOf(input);
    } catch (error) {
      if (error instanceof CloudWatchError) return error;
      throw error;
    }
    throw new Error(`accepted ${JSON.stringify(input)}`);
  };

  it.each([
    [
      'no queries',
      { StartTime: MINUTE / 1000, EndTime: (MINUTE + 60_000) / 1000 },
      /Value null at 'metricDataQueries'/,
    ],
    ['an empty list of queries', request([], ...window), /must hold 1 to 500 queries; it holds 0/],
    [
      '501 queries',
      request(
        Array.from({ length: 501 }, (_, index) => query({ Id: `q${index}` })),
        ...window,
      ),
      /must hold 1 to 500 queries; it holds 501/,
    ],
    [
      'a period of 45 seconds',
      request([query({ MetricStat: metricStat('funnel', 'Maximum', 45) })], ...window),
      /MetricDataQueries\.member\.1\.MetricStat\.Period must be 1, 5, 10, 20, 30 or a multiple of 60/,
    ],
    [
      'a period of 0',
      request([query({ MetricStat: metricStat('funnel', 'Maximum', 0) })], ...window),
      /Period must be/,
    ],
    [
      'an unknown statistic',
      request([query({ MetricStat: metricStat('funnel', 'Max', 60) })], ...window),
      /statistic Max/,
    ],
    ['an Id in capitals', request([query({ Id: 'M1' })], ...window), /The value M1 for parameter/],
    ['two queries of one Id', request([query(), query()], ...window), /not unique/],
    [
      'a query with neither MetricStat nor Expression',
      request([{ Id: 'm1' }], ...window),
      /exactly one of MetricStat and Expression/,
    ],
    ['no StartTime', { MetricDataQueries: [query()], EndTime: MINUTE / 1000 }, /Value null at 'startTime'/],
    ['StartTime equal to EndTime', request([query()], MINUTE, MINUTE), /must not equal parameter EndTime/],
    [
      'StartTime after EndTime',
      request([query()], MINUTE + 1000, MINUTE),
      /must be less than the parameter EndTime/,
    ],
    ['an unknown ScanBy', request([query()], ...window, { ScanBy: 'Newest' }), /enum value set/],
  ])('refuses %s with a ValidationError', (_, input, message) => {
    const error = refusal(input);
    expect({ code: error.code, queryCode: error.queryCode, status: error.status }).toEqual({
      code: 'ValidationException',
      queryCode: 'ValidationError',
      status: 400,
    });
    expect(error.message).toMatch(message);
  });

  it('accepts 500 queries and the high-resolution and whole-minute periods', () => {
    const queries = Array.from({ length: 500 }, (_, index) =>
      query({
        Id: `q${index}`,
        MetricStat: metricStat('funnel', 'Maximum', [1, 5, 10, 20, 30, 60, 3600][index % 7]!),
      }),
    );
    expect(metricDataRequestOf(request(queries, ...window)).queries).toHaveLength(500);
  });
});
