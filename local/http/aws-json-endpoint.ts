import { isJsonObject } from '#shared/json.ts';
import { AthenaError, type LocalAthena } from '../athena/local-athena.ts';
import { CLOUDWATCH_TARGET_PREFIX, handleCloudWatch } from '../cloudwatch/cloudwatch-endpoint.ts';
import type { MetricStore } from '../cloudwatch/metric-store.ts';
import { EventsError } from '../eventbridge/events-error.ts';
import type { LocalEventBuses } from '../eventbridge/local-event-bus.ts';
import { MAX_JSON_DEPTH } from '../eventbridge/put-events-request.ts';
import { FirehoseError, type LocalDeliveryStreams } from '../firehose/local-delivery-streams.ts';
import { nestedDeeperThan } from '../json.ts';
import type { SecretStore } from '../secrets-manager/secret-store.ts';
import {
  handleSecretsManager,
  SECRETS_MANAGER_TARGET_PREFIX,
} from '../secrets-manager/secrets-manager-endpoint.ts';
import type { QueueRegistry } from '../sqs/queue-registry.ts';
import { SqsError } from '../sqs/sqs-error.ts';
import { SQS_ACTIONS } from '../sqs/sqs-json-protocol.ts';

export interface AwsReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const EVENTS_PREFIX = 'AWSEvents.';
const SQS_PREFIX = 'AmazonSQS.';
const FIREHOSE_PREFIX = 'Firehose_20150804.';
const ATHENA_PREFIX = 'AmazonAthena.';

const reply = (
  status: number,
  contentType: string,
  body: unknown,
  headers: Record<string, string> = {},
): AwsReply => ({
  status,
  headers: { 'content-type': contentType, ...headers },
  body: JSON.stringify(body),
});

export interface AwsJsonServices {
  readonly buses: LocalEventBuses;
  readonly queues: QueueRegistry;
  /** The local Secrets Manager. @default none: its calls are unknown operations */
  readonly secrets?: SecretStore;
  /** Firehose PutRecord and PutRecordBatch. @default none: its calls are unknown operations */
  readonly firehose?: LocalDeliveryStreams;
  /** Athena StartQueryExecution, GetQueryExecution, GetQueryResults. @default none */
  readonly athena?: LocalAthena;
  /** CloudWatch GetMetricData over the stack's metrics. @default none: its calls are unknown operations */
  readonly metrics?: MetricStore;
}

/**
 * The local AWS endpoints that share the API port: EventBridge PutEvents (AWS JSON 1.1), SQS (AWS JSON 1.0),
 * Secrets Manager, Firehose and Athena (AWS JSON 1.1) and CloudWatch (AWS JSON 1.0), answering errors as the
 * services do (`__type` and `message`; SQS and CloudWatch also `x-amzn-query-error`), so the SDKs raise their
 * usual exceptions.
 */
export const handleAwsJson = async (
  target: string,
  body: Buffer,
  services: AwsJsonServices,
  signal: AbortSignal,
): Promise<AwsReply> => {
  const isSqs = target.startsWith(SQS_PREFIX);
  const isCloudWatch = target.startsWith(CLOUDWATCH_TARGET_PREFIX);
  const contentType = isSqs || isCloudWatch ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
  const text = body.toString('utf8');
  // No AWS JSON request nests deeply; one that did would overflow the first recursive walk of it (a 500).
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
    return reply(400, contentType, {
      __type: 'SerializationException',
      message: `The request body nests JSON more than ${MAX_JSON_DEPTH} levels deep.`,
    });
  }
  if (services.secrets && target.startsWith(SECRETS_MANAGER_TARGET_PREFIX))
    return handleSecretsManager(target, body, services.secrets);
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(text);
  } catch {
    return reply(400, contentType, {
      __type: 'SerializationException',
      message: 'The request body is not valid JSON.',
    });
  }
  const request = isJsonObject(input) ? input : {};
  if (services.metrics && isCloudWatch) return handleCloudWatch(target, request, services.metrics);
  try {
    if (target === `${EVENTS_PREFIX}PutEvents`)
      return reply(200, contentType, services.buses.putEvents(request));
    if (services.firehose && target === `${FIREHOSE_PREFIX}PutRecord`)
      return reply(200, contentType, services.firehose.putRecord(request));
    if (services.firehose && target === `${FIREHOSE_PREFIX}PutRecordBatch`)
      return reply(200, contentType, services.firehose.putRecordBatch(request));
    if (services.athena && target === `${ATHENA_PREFIX}StartQueryExecution`)
      return reply(200, contentType, await services.athena.startQueryExecution(request));
    if (services.athena && target === `${ATHENA_PREFIX}GetQueryExecution`)
      return reply(200, contentType, services.athena.getQueryExecution(request));
    if (services.athena && target === `${ATHENA_PREFIX}GetQueryResults`)
      return reply(200, contentType, services.athena.getQueryResults(request));
    const action = isSqs ? SQS_ACTIONS[target.slice(SQS_PREFIX.length)] : undefined;
    if (!action) {
      return reply(400, contentType, {
        __type: 'UnknownOperationException',
        message: `${target} is not available in ReelHire's local runtime`,
      });
    }
    return reply(200, contentType, await action(services.queues, request, signal));
  } catch (error) {
    if (error instanceof SqsError) {
      return reply(
        error.status,
        contentType,
        { __type: `com.amazonaws.sqs#${error.code}`, message: error.message },
        { 'x-amzn-query-error': `${error.queryCode};${error.status < 500 ? 'Sender' : 'Receiver'}` },
      );
    }
    if (error instanceof AthenaError)
      return reply(400, contentType, { __type: error.type, message: error.message });
    if (error instanceof FirehoseError)
      return reply(400, contentType, { __type: error.type, message: error.message });
    if (error instanceof EventsError)
      return reply(error.status, contentType, { __type: error.code, message: error.message });
    throw error;
  }
};
