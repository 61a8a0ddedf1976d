const PERCENTILE = /^p(\d{1,2}(?:\.\d+)?)$/;

const BASIC_STATISTICS = new Set(['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum']);

/** Whether statisticOf evaluates `statistic`: a basic statistic or a percentile `pNN` / `pNN.N`. */
export const isEvaluatedStatistic = (statistic: string): boolean =>
  BASIC_STATISTICS.has(statistic) || PERCENTILE.test(statistic);

/**
 * A CloudWatch statistic over one period's values: SampleCount, Sum, Average, Minimum, Maximum, or a percentile
 * `pNN` / `pNN.N` (ExtendedStatistic). Undefined when the period has no datapoint (missing data).
 */
export const statisticOf = (statistic: string, values: readonly number[]): number | undefined => {
  if (values.length === 0) return undefined;
  switch (statistic) {
    case 'SampleCount':
      return values.length;
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    // Not Math.min(...values): a long period's values would overflow the call's arguments.
    case 'Minimum':
      return values.reduce((min, value) => Math.min(min, value));
    case 'Maximum':
      return values.reduce((max, value) => Math.max(max, value));
  }
  const percentile = PERCENTILE.exec(statistic);
  if (!percentile) throw new Error(`statistic ${statistic} is not evaluated locally`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Number(percentile[1]) / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
};
