import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName } from './metric-names.ts';

/**
 * Structured JSON logs and EMF metrics for every function (Powertools). The service name comes from
 * POWERTOOLS_SERVICE_NAME, the namespace from POWERTOOLS_METRICS_NAMESPACE, both set by the stack.
 */
export const logger = new Logger();
export const metrics = new Metrics({ defaultDimensions: {} });
export { MetricUnit };

/** Counts occurrences of one of the metrics of metric-names.ts (events processed, links changed…). */
export const count = (name: MetricName, value = 1): void => {
  metrics.addMetric(name, MetricUnit.Count, value);
};
