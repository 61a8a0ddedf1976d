import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Structured JSON logs and EMF metrics for every function (Powertools). The service name comes from
 * POWERTOOLS_SERVICE_NAME, the namespace from POWERTOOLS_METRICS_NAMESPACE, both set by the stack.
 */
export const logger = new Logger();
export const metrics = new Metrics({ defaultDimensions: {} });
export { MetricUnit };

/** Counts one occurrence of a domain metric (events processed, links changed, notifications…). */
export const count = (name: string, value = 1): void => {
  metrics.addMetric(name, MetricUnit.Count, value);
};
