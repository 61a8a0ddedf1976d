import { isJsonObject } from '../json.ts';
import type { MetricIdentity } from './metric-store.ts';

export interface EmfDatapoint {
  readonly metric: MetricIdentity;
  readonly value: number;
}

const stringsIn = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/**
 * The metrics of one log line in CloudWatch's embedded metric format (what Powertools' Metrics prints): for
 * each directive of `_aws.CloudWatchMetrics`, each of its dimension sets and each metric, the value under the
 * metric's name at the root (a number or a list of them), with the dimension values from the root. Any other
 * line has none.
 */
export const emfDatapointsOf = (line: string): EmfDatapoint[] => {
  if (!line.startsWith('{') || !line.includes('"_aws"')) return [];
  let root: unknown;
  try {
    root = JSON.parse(line);
  } catch {
    return [];
  }
  if (!isJsonObject(root) || !isJsonObject(root._aws)) return [];
  const directives = root._aws.CloudWatchMetrics;
  if (!Array.isArray(directives)) return [];
  const datapoints: EmfDatapoint[] = [];
  for (const directive of directives.filter(isJsonObject)) {
    const namespace = typeof directive.Namespace === 'string' ? directive.Namespace : undefined;
    if (!namespace) continue;
    const dimensionSets = Array.isArray(directive.Dimensions) ? directive.Dimensions.map(stringsIn) : [[]];
    const metrics = Array.isArray(directive.Metrics) ? directive.Metrics.filter(isJsonObject) : [];
    for (const definition of metrics) {
      const metricName = typeof definition.Name === 'string' ? definition.Name : undefined;
      const raw = metricName === undefined ? undefined : root[metricName];
      const values = (Array.isArray(raw) ? raw : [raw]).filter(
        (value): value is number => typeof value === 'number',
      );
      if (!metricName) continue;
      for (const names of dimensionSets) {
        const dimensions = Object.fromEntries(
          names.flatMap((name) => (typeof root[name] === 'string' ? [[name, root[name]]] : [])),
        );
        if (Object.keys(dimensions).length !== names.length) continue;
        for (const value of values) datapoints.push({ metric: { namespace, metricName, dimensions }, value });
      }
    }
  }
  return datapoints;
};
