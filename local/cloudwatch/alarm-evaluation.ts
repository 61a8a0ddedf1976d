import { type AlarmDefinition, COMPARISONS, type MetricQuery, type MetricStat } from './alarm-model.ts';
import { type Expression, parseExpression } from './metric-math.ts';
import type { MetricStore } from './metric-store.ts';
import { statisticOf } from './statistics.ts';

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface Evaluation {
  readonly state: AlarmStateValue;
  readonly reason: string;
}

/** The alarm's value in one period [start, start + period): its statistic, or its metric math. */
export type PeriodValue = (periodStart: number) => number | undefined;

const statValue = (store: MetricStore, stat: MetricStat, start: number): number | undefined =>
  statisticOf(stat.statistic, store.values(stat.metric, start, start + stat.periodSeconds * 1000));

/** How to get an alarm's value per period from the metrics; metric math is parsed once, here. */
export const periodValueOf = (alarm: AlarmDefinition, store: MetricStore): PeriodValue => {
  const { metric } = alarm;
  if (!Array.isArray(metric)) {
    const stat = metric as MetricStat;
    return (start) => statValue(store, stat, start);
  }
  const queries = metric as readonly MetricQuery[];
  const expressions = new Map<string, Expression>(
    queries.flatMap((query) =>
      query.expression ? [[query.id, parseExpression(query.expression)] as const] : [],
    ),
  );
  const returned = queries.find((query) => query.returnData) ?? queries.at(-1);
  if (!returned) throw new Error(`alarm ${alarm.name}: its metric math returns nothing`);
  return (start) => {
    const seen = new Set<string>();
    const queryValue = (id: string): number | undefined => {
      if (seen.has(id)) throw new Error(`alarm ${alarm.name}: metric math refers to itself through ${id}`);
      seen.add(id);
      const query = queries.find((candidate) => candidate.id === id);
      const expression = expressions.get(id);
      const value = query?.stat
        ? statValue(store, query.stat, start)
        : expression
          ? expression(queryValue)
          : undefined;
      seen.delete(id);
      return value;
    };
    return queryValue(returned.id);
  };
};

const COMPARISON_WORDS: Readonly<Record<AlarmDefinition['comparison'], string>> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/**
 * CloudWatch's evaluation of an alarm at `now`: the last EvaluationPeriods complete periods, each breaching or
 * not by its comparison with the threshold; missing periods as TreatMissingData says (breaching, not breaching,
 * or left out: `missing` goes to INSUFFICIENT_DATA when every period is missing, `ignore` keeps the state). ALARM
 * when at least DatapointsToAlarm of them breach, else OK.
 */
export const evaluateAlarm = (
  alarm: AlarmDefinition,
  periodValue: PeriodValue,
  now: number,
  current: AlarmStateValue,
): Evaluation => {
  const periodMs = alarm.periodSeconds * 1000;
  const lastEnd = Math.floor(now / periodMs) * periodMs;
  const values = Array.from({ length: alarm.evaluationPeriods }, (_, index) =>
    periodValue(lastEnd - (alarm.evaluationPeriods - index) * periodMs),
  );
  const present = values.filter((value): value is number => value !== undefined);
  if (present.length === 0 && alarm.treatMissingData === 'missing')
    return { state: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: no datapoint in the evaluated periods' };
  if (present.length === 0 && alarm.treatMissingData === 'ignore')
    return { state: current, reason: 'No datapoint in the evaluated periods: the state is kept (ignore)' };
  const breaches = values.filter((value) =>
    value === undefined
      ? alarm.treatMissingData === 'breaching'
      : COMPARISONS[alarm.comparison](value, alarm.threshold),
  ).length;
  const shown = values.map((value) => (value === undefined ? 'missing' : String(value))).join(', ');
  const summary = `${breaches} out of the last ${values.length} datapoints [${shown}] ${breaches === 1 ? 'was' : 'were'} ${COMPARISON_WORDS[alarm.comparison]} the threshold (${alarm.threshold}) (minimum ${alarm.datapointsToAlarm} datapoint${alarm.datapointsToAlarm === 1 ? '' : 's'} for ALARM)`;
  return breaches >= alarm.datapointsToAlarm
    ? { state: 'ALARM', reason: `Threshold Crossed: ${summary}.` }
    : { state: 'OK', reason: `Threshold not crossed: ${summary}.` };
};
