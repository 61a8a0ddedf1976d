import { describe, expect, it } from 'vitest';
import type { ResolvedResource } from '../../local/cloudformation/intrinsics.ts';
import { evaluateAlarm, periodValueOf } from '../../local/cloudwatch/alarm-evaluation.ts';
import { type AlarmDefinition, alarmsOf } from '../../local/cloudwatch/alarm-model.ts';
import { emfDatapointsOf } from '../../local/cloudwatch/emf.ts';
import { parseExpression } from '../../local/cloudwatch/metric-math.ts';
import { MetricStore } from '../../local/cloudwatch/metric-store.ts';
import { statisticOf } from '../../local/cloudwatch/statistics.ts';

// CloudWatch's alarm evaluation, as local mode runs it: the statistics, metric math, EMF lines, the alarm
// resources as the template gives them, and the evaluation of periods with each way of treating missing data.

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const DLQ = {
  namespace: 'AWS/SQS',
  metricName: 'ApproximateNumberOfMessagesVisible',
  dimensions: { QueueName: 'dlq' },
};

const alarmResource = (properties: Record<string, unknown>): ResolvedResource => ({
  stackName: 'S',
  logicalId: 'Alarm',
  type: 'AWS::CloudWatch::Alarm',
  properties,
  metadata: {},
  assemblyDir: '/',
  identity: { ref: String(properties.AlarmName), attribute: () => undefined },
});

const dlqAlarm = (overrides: Record<string, unknown> = {}): AlarmDefinition => {
  const [alarm] = alarmsOf(
    [
      alarmResource({
        AlarmName: 'reelhire-dev-VideoEvents-dlq-depth',
        Namespace: DLQ.namespace,
        MetricName: DLQ.metricName,
        Dimensions: [{ Name: 'QueueName', Value: 'dlq' }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: ['arn:aws:sns:us-east-1:000000000000:topic'],
        ...overrides,
      }),
    ],
    (message) => {
      throw new Error(message);
    },
  );
  return alarm!;
};

describe('statistics and metric math', () => {
  it('computes CloudWatch statistics over a period, nothing for an empty one', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(statisticOf('Sum', values)).toBe(31);
    expect(statisticOf('Average', values)).toBe(31 / 8);
    expect(statisticOf('Maximum', values)).toBe(9);
    expect(statisticOf('Minimum', values)).toBe(1);
    expect(statisticOf('SampleCount', values)).toBe(8);
    expect(statisticOf('p50', values)).toBe(3);
    expect(statisticOf('p99', values)).toBe(9);
    expect(statisticOf('Sum', [])).toBeUndefined();
    expect(() => statisticOf('tm90', values)).toThrow(/not evaluated locally/);
  });

  it('evaluates arithmetic, SUM/MAX/FILL over query ids, and leaves a missing value missing', () => {
    const values = (id: string) => ({ errors: 5, invocations: 200, nothing: undefined })[id];
    expect(parseExpression('100 * errors / invocations')(values)).toBe(2.5);
    expect(parseExpression('SUM(errors, invocations, nothing)')(values)).toBe(205);
    expect(parseExpression('MAX(errors, -invocations)')(values)).toBe(5);
    expect(parseExpression('errors + nothing')(values)).toBeUndefined();
    expect(parseExpression('FILL(nothing, 0) + errors')(values)).toBe(5);
    expect(parseExpression('errors / (invocations - 200)')(values)).toBeUndefined();
    expect(() => parseExpression('ANOMALY_DETECTION_BAND(errors)')).toThrow(/not evaluated locally/);
    expect(() => parseExpression('errors +')).toThrow(/expected/);
  });
});

describe('EMF lines', () => {
  it('reads the metrics of a Powertools line, with its dimensions', () => {
    const line = JSON.stringify({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [
          {
            Namespace: 'ReelHire',
            Dimensions: [['service']],
            Metrics: [
              { Name: 'EventsProcessed', Unit: 'Count' },
              { Name: 'LinksChanged', Unit: 'Count' },
            ],
          },
        ],
      },
      service: 'videoEvents',
      EventsProcessed: [1, 2],
      LinksChanged: 1,
    });
    expect(emfDatapointsOf(line)).toEqual([
      {
        metric: {
          namespace: 'ReelHire',
          metricName: 'EventsProcessed',
          dimensions: { service: 'videoEvents' },
        },
        value: 1,
      },
      {
        metric: {
          namespace: 'ReelHire',
          metricName: 'EventsProcessed',
          dimensions: { service: 'videoEvents' },
        },
        value: 2,
      },
      {
        metric: { namespace: 'ReelHire', metricName: 'LinksChanged', dimensions: { service: 'videoEvents' } },
        value: 1,
      },
    ]);
    expect(emfDatapointsOf('{"level":"INFO","message":"not a metric"}')).toEqual([]);
    expect(emfDatapointsOf('{"_aws": broken')).toEqual([]);
  });
});

describe('alarm evaluation', () => {
  it('reads an alarm with CloudWatch’s defaults: DatapointsToAlarm = EvaluationPeriods, missing data "missing"', () => {
    const alarm = dlqAlarm({
      DatapointsToAlarm: undefined,
      TreatMissingData: undefined,
      EvaluationPeriods: 3,
    });
    expect(alarm).toMatchObject({
      arn: 'arn:aws:cloudwatch:us-east-1:000000000000:alarm:reelhire-dev-VideoEvents-dlq-depth',
      datapointsToAlarm: 3,
      treatMissingData: 'missing',
      actionsEnabled: true,
      okActions: [],
    });
  });

  it('alarms on the first visible message of a dead-letter queue, in the period after it, and back to OK', () => {
    const store = new MetricStore();
    const alarm = dlqAlarm();
    const value = periodValueOf(alarm, store);
    store.put(DLQ, 0, T0 + 5_000);
    expect(evaluateAlarm(alarm, value, T0 + MINUTE + 1, 'INSUFFICIENT_DATA').state).toBe('OK');
    store.put(DLQ, 1, T0 + MINUTE + 30_000);
    // The period holding it is not over: CloudWatch evaluates complete periods.
    expect(evaluateAlarm(alarm, value, T0 + MINUTE + 40_000, 'OK').state).toBe('OK');
    const alarmed = evaluateAlarm(alarm, value, T0 + 2 * MINUTE, 'OK');
    expect(alarmed).toEqual({
      state: 'ALARM',
      reason:
        'Threshold Crossed: 1 out of the last 1 datapoints [1] was greater than or equal to the threshold (1) (minimum 1 datapoint for ALARM).',
    });
    // A minute with no datapoint is not breaching for this alarm.
    expect(evaluateAlarm(alarm, value, T0 + 3 * MINUTE, 'ALARM').state).toBe('OK');
  });

  it('treats missing data as the alarm says', () => {
    const store = new MetricStore();
    const now = T0 + 10 * MINUTE;
    const stateWith = (treat: string, current: 'OK' | 'ALARM' = 'OK') => {
      const alarm = dlqAlarm({ TreatMissingData: treat });
      return evaluateAlarm(alarm, periodValueOf(alarm, store), now, current).state;
    };
    expect(stateWith('missing')).toBe('INSUFFICIENT_DATA');
    expect(stateWith('notBreaching')).toBe('OK');
    expect(stateWith('breaching')).toBe('ALARM');
    expect(stateWith('ignore', 'ALARM')).toBe('ALARM');
  });

  it('needs DatapointsToAlarm breaching periods among the last EvaluationPeriods', () => {
    const store = new MetricStore();
    const alarm = dlqAlarm({ EvaluationPeriods: 3, DatapointsToAlarm: 2, Statistic: 'Sum' });
    const value = periodValueOf(alarm, store);
    store.put(DLQ, 2, T0 + 10_000);
    store.put(DLQ, 0, T0 + MINUTE + 10_000);
    expect(evaluateAlarm(alarm, value, T0 + 3 * MINUTE, 'OK').state).toBe('OK');
    store.put(DLQ, 1, T0 + 2 * MINUTE + 10_000);
    expect(evaluateAlarm(alarm, value, T0 + 3 * MINUTE, 'OK').state).toBe('ALARM');
  });

  it('evaluates a metric-math alarm from its queries', () => {
    const store = new MetricStore();
    const api = (metricName: string) => ({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensions: { ApiId: 'a' },
    });
    const stat = (metricName: string) => ({
      Metric: {
        Namespace: 'AWS/ApiGateway',
        MetricName: metricName,
        Dimensions: [{ Name: 'ApiId', Value: 'a' }],
      },
      Period: 60,
      Stat: 'Sum',
    });
    const alarm = dlqAlarm({
      Namespace: undefined,
      MetricName: undefined,
      Dimensions: undefined,
      Statistic: undefined,
      Period: undefined,
      Threshold: 10,
      Metrics: [
        { Id: 'throttled', MetricStat: stat('4xx'), ReturnData: false },
        { Id: 'requests', MetricStat: stat('Count'), ReturnData: false },
        { Id: 'share', Expression: '100 * throttled / requests', ReturnData: true },
      ],
    });
    for (let index = 0; index < 10; index++) store.put(api('Count'), 1, T0 + index);
    store.put(api('4xx'), 1, T0 + 1);
    const value = periodValueOf(alarm, store);
    expect(value(T0)).toBe(10);
    expect(evaluateAlarm(alarm, value, T0 + MINUTE, 'OK').state).toBe('ALARM');
  });
});
