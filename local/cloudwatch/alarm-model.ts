import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import { isJsonObject, type JsonObject, numberField, objectField, stringField } from '../json.ts';
import { localArn } from '../local-account.ts';
import type { MetricIdentity } from './metric-store.ts';

export const COMPARISONS = {
  GreaterThanOrEqualToThreshold: (value: number, threshold: number) => value >= threshold,
  GreaterThanThreshold: (value: number, threshold: number) => value > threshold,
  LessThanThreshold: (value: number, threshold: number) => value < threshold,
  LessThanOrEqualToThreshold: (value: number, threshold: number) => value <= threshold,
} as const;

export type Comparison = keyof typeof COMPARISONS;
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/** One metric and its statistic over a period: the alarm's own, or a MetricStat of its metric math. */
export interface MetricStat {
  readonly metric: MetricIdentity;
  readonly statistic: string;
  readonly periodSeconds: number;
}

/** A query of a metric-math alarm: a MetricStat or an expression over other queries' ids. */
export interface MetricQuery {
  readonly id: string;
  readonly stat?: MetricStat;
  readonly expression?: string;
  readonly returnData: boolean;
}

/** An AWS::CloudWatch::Alarm as the template defines it, CloudWatch's defaults filled in. */
export interface AlarmDefinition {
  readonly name: string;
  readonly arn: string;
  readonly description: string | undefined;
  /** The alarm's metric, or the metric math queries (one of them returns the data). */
  readonly metric: MetricStat | readonly MetricQuery[];
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly treatMissingData: TreatMissingData;
  readonly actionsEnabled: boolean;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  readonly insufficientDataActions: readonly string[];
}

const stringList = (value: unknown): string[] =>
  (Array.isArray(value) ? value : []).filter((item): item is string => typeof item === 'string');

const dimensionsOf = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    (Array.isArray(value) ? value : [])
      .filter(isJsonObject)
      .map((dimension) => [String(dimension.Name), String(dimension.Value)]),
  );

const metricStatOf = (stat: JsonObject): MetricStat | undefined => {
  const metric = objectField(stat, 'Metric');
  const statistic = stringField(stat, 'Stat');
  const period = numberField(stat, 'Period');
  if (!metric || !statistic || !period) return undefined;
  return {
    metric: {
      namespace: stringField(metric, 'Namespace') ?? '',
      metricName: stringField(metric, 'MetricName') ?? '',
      dimensions: dimensionsOf(metric.Dimensions),
    },
    statistic,
    periodSeconds: period,
  };
};

/**
 * The template's alarms. An alarm local mode cannot evaluate (an anomaly detection band, a statistic it does
 * not know) is reported and left out, never evaluated wrongly.
 */
export const alarmsOf = (
  resources: readonly ResolvedResource[],
  warn: (message: string) => void,
): AlarmDefinition[] =>
  ofType(resources, 'AWS::CloudWatch::Alarm').flatMap((alarm): AlarmDefinition[] => {
    const { properties } = alarm;
    const name = stringField(properties, 'AlarmName') ?? alarm.identity.ref;
    const comparison = stringField(properties, 'ComparisonOperator') ?? '';
    const threshold = numberField(properties, 'Threshold');
    if (!(comparison in COMPARISONS) || threshold === undefined) {
      warn(`alarm ${name}: ${comparison || 'no comparison'} is not evaluated locally`);
      return [];
    }
    let metric: AlarmDefinition['metric'];
    let periodSeconds: number;
    const queries = properties.Metrics;
    if (Array.isArray(queries)) {
      metric = queries.filter(isJsonObject).map((query) => {
        const stat = objectField(query, 'MetricStat');
        const metricStat = stat ? metricStatOf(stat) : undefined;
        const expression = stringField(query, 'Expression');
        return {
          id: stringField(query, 'Id') ?? '',
          ...(metricStat ? { stat: metricStat } : {}),
          ...(expression ? { expression } : {}),
          returnData: query.ReturnData !== false && query.ReturnData !== 'false',
        };
      });
      periodSeconds =
        metric.find((query) => query.stat)?.stat?.periodSeconds ?? numberField(properties, 'Period') ?? 60;
    } else {
      const statistic = stringField(properties, 'Statistic') ?? stringField(properties, 'ExtendedStatistic');
      periodSeconds = numberField(properties, 'Period') ?? 60;
      if (!statistic) {
        warn(`alarm ${name}: no statistic to evaluate`);
        return [];
      }
      metric = {
        metric: {
          namespace: stringField(properties, 'Namespace') ?? '',
          metricName: stringField(properties, 'MetricName') ?? '',
          dimensions: dimensionsOf(properties.Dimensions),
        },
        statistic,
        periodSeconds,
      };
    }
    const evaluationPeriods = numberField(properties, 'EvaluationPeriods') ?? 1;
    const treat = stringField(properties, 'TreatMissingData') ?? 'missing';
    return [
      {
        name,
        arn: localArn('cloudwatch', `alarm:${name}`),
        description: stringField(properties, 'AlarmDescription'),
        metric,
        periodSeconds,
        evaluationPeriods,
        datapointsToAlarm: numberField(properties, 'DatapointsToAlarm') ?? evaluationPeriods,
        threshold,
        comparison: comparison as Comparison,
        treatMissingData: (['breaching', 'notBreaching', 'ignore'].includes(treat)
          ? treat
          : 'missing') as TreatMissingData,
        actionsEnabled: properties.ActionsEnabled !== false && properties.ActionsEnabled !== 'false',
        alarmActions: stringList(properties.AlarmActions),
        okActions: stringList(properties.OKActions),
        insufficientDataActions: stringList(properties.InsufficientDataActions),
      },
    ];
  });
