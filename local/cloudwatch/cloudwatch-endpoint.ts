import type { AwsReply } from '../http/aws-json-endpoint.ts';
import type { JsonObject } from '../json.ts';
import { CloudWatchError } from './cloudwatch-error.ts';
import { getMetricData } from './get-metric-data.ts';
import { metricDataRequestOf } from './metric-data-request.ts';
import type { MetricStore } from './metric-store.ts';

/** The X-Amz-Target prefix of CloudWatch's AWS JSON 1.0 protocol (`GraniteServiceVersion20100801.GetMetricData`). */
export const CLOUDWATCH_TARGET_PREFIX = 'GraniteServiceVersion20100801.';

const reply = (status: number, body: unknown, headers: Record<string, string> = {}): AwsReply => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.0', ...headers },
  body: JSON.stringify(body),
});

/**
 * CloudWatch on the local AWS endpoint: GetMetricData over the stack's metrics, which the SDK (AWS JSON 1.0,
 * query-compatible) reads as it reads CloudWatch's. Its errors carry their query code, so the SDK raises the
 * modeled exception (ValidationException for a ValidationError).
 */
export const handleCloudWatch = (target: string, input: JsonObject, store: MetricStore): AwsReply => {
  const operation = target.slice(CLOUDWATCH_TARGET_PREFIX.length);
  try {
    if (operation === 'GetMetricData')
      return reply(200, {
        MetricDataResults: getMetricData(store, metricDataRequestOf(input)),
        Messages: [],
      });
    return reply(400, {
      __type: 'UnknownOperationException',
      message: `${target} is not available in ReelHire's local runtime`,
    });
  } catch (error) {
    if (!(error instanceof CloudWatchError)) throw error;
    return reply(
      error.status,
      { __type: `com.amazonaws.cloudwatch#${error.code}`, message: error.message },
      { 'x-amzn-query-error': `${error.queryCode};${error.status < 500 ? 'Sender' : 'Receiver'}` },
    );
  }
};
