import type { ActivityLog, InvocationRecord } from '../activity-log.ts';
import { emfDatapointsOf } from '../cloudwatch/emf.ts';
import { type MetricIdentity, MetricStore } from '../cloudwatch/metric-store.ts';
import type { LocalFunction } from '../lambda/local-function.ts';
import type { QueueRegistry } from '../sqs/queue-registry.ts';

export interface MetricsInput {
  readonly activity: ActivityLog;
  /**
   * How fast the alarm clock runs: 1 is real time; 60 makes a minute-long period last a second (tests). Every
   * datapoint is stamped with this clock, so periods hold what they would hold at that speed.
   */
  readonly timeScale: number;
}

/**
 * The metrics CloudWatch would hold for the local stack: the functions' EMF lines (Powertools), Lambda's own
 * per-invocation metrics, the API's request metrics, the queues' and functions' gauges, sampled, and what the
 * services publish themselves (Firehose). The functions read them with GetMetricData on the API port.
 */
export interface LocalMetrics {
  readonly store: MetricStore;
  /** The alarm clock, in epoch ms: every datapoint's instant, and GetMetricData's times. */
  now(): number;
  readonly timeScale: number;
  /** A datapoint a service publishes now (Firehose's DataFreshness). */
  put(metric: MetricIdentity, value: number): void;
  /** A line a function wrote: its EMF metrics, if it is an EMF line. */
  fromLog(line: string): void;
  /** One answer of the HTTP API (AWS/ApiGateway Count, 4xx, 5xx, Latency). */
  apiReply(apiId: string, stage: string, status: number, latencyMs: number): void;
  /** Samples what CloudWatch reports as gauges: queue depths and ages, concurrent executions. */
  sample(queues: QueueRegistry, functions: ReadonlyMap<string, LocalFunction>): void;
}

const LAMBDA = 'AWS/Lambda';

export const startMetrics = (input: MetricsInput): LocalMetrics => {
  const store = new MetricStore();
  const started = Date.now();
  const now = () => started + (Date.now() - started) * input.timeScale;
  const put = (metric: MetricIdentity, value: number) => store.put(metric, value, now());
  /** Lambda publishes each per function and for the whole account. */
  const lambda = (metricName: string, functionName: string, value: number) => {
    put({ namespace: LAMBDA, metricName, dimensions: { FunctionName: functionName } }, value);
    put({ namespace: LAMBDA, metricName, dimensions: {} }, value);
  };
  const invocation = (record: InvocationRecord) => {
    // INIT of a warm-up is no invocation; a throttled one never ran.
    if (record.trigger === 'warm-up') return;
    if (record.outcome === 'throttled') {
      lambda('Throttles', record.functionName, 1);
      return;
    }
    lambda('Invocations', record.functionName, 1);
    lambda('Errors', record.functionName, record.outcome === 'succeeded' ? 0 : 1);
    lambda('Duration', record.functionName, record.durationMs);
  };
  input.activity.on('record', (record) => {
    if (record.kind === 'invocation') invocation(record);
  });
  return {
    store,
    now,
    timeScale: input.timeScale,
    put,
    fromLog: (line) => {
      for (const datapoint of emfDatapointsOf(line)) put(datapoint.metric, datapoint.value);
    },
    apiReply: (apiId, stage, status, latencyMs) => {
      const dimensionSets: Record<string, string>[] = [{ ApiId: apiId }, { ApiId: apiId, Stage: stage }];
      for (const dimensions of dimensionSets) {
        const metric = (metricName: string, value: number) =>
          put({ namespace: 'AWS/ApiGateway', metricName, dimensions }, value);
        metric('Count', 1);
        metric('4xx', status >= 400 && status < 500 ? 1 : 0);
        metric('5xx', status >= 500 ? 1 : 0);
        metric('Latency', latencyMs);
      }
    },
    sample: (queues, functions) => {
      const at = Date.now();
      for (const queue of queues.all()) {
        const counts = queue.counts();
        const dimensions = { QueueName: queue.name };
        const gauge = (metricName: string, value: number) =>
          put({ namespace: 'AWS/SQS', metricName, dimensions }, value);
        gauge('ApproximateNumberOfMessagesVisible', counts.visible);
        gauge('ApproximateNumberOfMessagesNotVisible', counts.inFlight);
        gauge('ApproximateNumberOfMessagesDelayed', counts.delayed);
        const oldest = Math.min(at, ...queue.peek().map((message) => message.sentAt));
        gauge('ApproximateAgeOfOldestMessage', Math.floor(((at - oldest) / 1000) * input.timeScale));
      }
      let account = 0;
      for (const fn of functions.values()) {
        account += fn.concurrentExecutions;
        put(
          { namespace: LAMBDA, metricName: 'ConcurrentExecutions', dimensions: { FunctionName: fn.name } },
          fn.concurrentExecutions,
        );
      }
      put({ namespace: LAMBDA, metricName: 'ConcurrentExecutions', dimensions: {} }, account);
    },
  };
};
