import { arrayField, isJsonObject, type JsonObject, numberField, objectField, stringField } from '../json.ts';
import type { MetricStat } from './alarm-model.ts';
import { missingMember, validationError } from './cloudwatch-error.ts';
import { isEvaluatedStatistic } from './statistics.ts';

/** One MetricDataQuery with a MetricStat: the only kind the local GetMetricData answers. */
export interface MetricDataQuery {
  readonly id: string;
  readonly label: string;
  /** False for a query only other queries use: it has no result of its own. */
  readonly returnData: boolean;
  readonly stat: MetricStat;
}

export type ScanBy = 'TimestampDescending' | 'TimestampAscending';

/** A GetMetricData request, checked: its times in epoch ms on the metrics' clock. */
export interface MetricDataRequest {
  readonly queries: readonly MetricDataQuery[];
  readonly startTime: number;
  readonly endTime: number;
  readonly scanBy: ScanBy;
}

const MAX_METRIC_DATA_QUERIES = 500;
const SCAN_BY: readonly ScanBy[] = ['TimestampDescending', 'TimestampAscending'];
const isScanBy = (value: string): value is ScanBy => (SCAN_BY as readonly string[]).includes(value);
/** CloudWatch's rule for a query's Id. */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
/** High-resolution periods; any other period is a whole number of minutes. */
const SUB_MINUTE_PERIODS = new Set([1, 5, 10, 20, 30]);

const isValidPeriod = (period: number): boolean =>
  Number.isInteger(period) && period > 0 && (SUB_MINUTE_PERIODS.has(period) || period % 60 === 0);

const dimensionsOf = (metric: JsonObject): Record<string, string> =>
  Object.fromEntries(
    arrayField(metric, 'Dimensions')
      .filter(isJsonObject)
      .map((dimension) => [stringField(dimension, 'Name') ?? '', stringField(dimension, 'Value') ?? '']),
  );

const metricStatOf = (stat: JsonObject, member: string): MetricStat => {
  const metric = objectField(stat, 'Metric');
  const namespace = metric ? stringField(metric, 'Namespace') : undefined;
  const metricName = metric ? stringField(metric, 'MetricName') : undefined;
  if (!metric || !namespace || !metricName) throw missingMember(`${member}.MetricStat.Metric`);
  const period = numberField(stat, 'Period');
  if (period === undefined) throw missingMember(`${member}.MetricStat.Period`);
  if (!isValidPeriod(period))
    throw validationError(
      `The parameter ${member}.MetricStat.Period must be 1, 5, 10, 20, 30 or a multiple of 60; it is ${period}.`,
    );
  const statistic = stringField(stat, 'Stat');
  if (!statistic) throw missingMember(`${member}.MetricStat.Stat`);
  if (!isEvaluatedStatistic(statistic))
    throw validationError(
      `The statistic ${statistic} of ${member}.MetricStat is not one local mode evaluates (SampleCount, Sum, Average, Minimum, Maximum, pNN).`,
    );
  return {
    metric: { namespace, metricName, dimensions: dimensionsOf(metric) },
    statistic,
    periodSeconds: period,
  };
};

const queryOf = (query: JsonObject, index: number): MetricDataQuery => {
  const member = `MetricDataQueries.member.${index + 1}`;
  const id = stringField(query, 'Id');
  if (id === undefined) throw missingMember(`${member}.Id`);
  if (!QUERY_ID.test(id) || id.length > 255)
    throw validationError(
      `The value ${id} for parameter ${member}.Id is not valid: it must start with a lowercase letter and hold only letters, digits and underscores.`,
    );
  const stat = objectField(query, 'MetricStat');
  const hasExpression = stringField(query, 'Expression') !== undefined;
  if (stat && hasExpression)
    throw validationError(`${member} must specify exactly one of MetricStat and Expression.`);
  if (hasExpression)
    throw validationError(
      `${member}: metric math (Expression) is not evaluated by ReelHire's local GetMetricData; use a MetricStat.`,
    );
  if (!stat) throw validationError(`${member} must specify exactly one of MetricStat and Expression.`);
  const metricStat = metricStatOf(stat, member);
  return {
    id,
    label: stringField(query, 'Label') ?? metricStat.metric.metricName,
    returnData: query.ReturnData !== false,
    stat: metricStat,
  };
};

/** Epoch seconds, as AWS JSON sends a timestamp, in ms. */
const timeOf = (input: JsonObject, name: string): number => {
  const seconds = numberField(input, name);
  if (seconds === undefined) throw missingMember(name.charAt(0).toLowerCase() + name.slice(1));
  return seconds * 1000;
};

/** Reads a GetMetricData request as CloudWatch validates it; a CloudWatchError (ValidationError) when it is not valid. */
export const metricDataRequestOf = (input: JsonObject): MetricDataRequest => {
  if (!Array.isArray(input.MetricDataQueries)) throw missingMember('metricDataQueries');
  const queries = input.MetricDataQueries;
  if (queries.length === 0 || queries.length > MAX_METRIC_DATA_QUERIES)
    throw validationError(
      `The collection MetricDataQueries must hold 1 to ${MAX_METRIC_DATA_QUERIES} queries; it holds ${queries.length}.`,
    );
  const parsed = queries.map((query, index) => queryOf(isJsonObject(query) ? query : {}, index));
  if (new Set(parsed.map((query) => query.id)).size !== parsed.length)
    throw validationError('The values for parameter Id in MetricDataQueries are not unique.');
  const startTime = timeOf(input, 'StartTime');
  const endTime = timeOf(input, 'EndTime');
  if (startTime === endTime)
    throw validationError('The parameter StartTime must not equal parameter EndTime.');
  if (startTime > endTime)
    throw validationError('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = stringField(input, 'ScanBy') ?? 'TimestampDescending';
  if (!isScanBy(scanBy))
    throw validationError(
      `1 validation error detected: Value '${scanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [${SCAN_BY.join(', ')}]`,
    );
  return { queries: parsed, startTime, endTime, scanBy };
};
