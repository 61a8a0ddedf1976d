import { isJsonObject, type JsonObject } from '#shared/json.ts';
import type { ResolvedResource } from './cloudformation/intrinsics.ts';
import { ofType } from './cloudformation/intrinsics.ts';
import { DEFAULT_RETRY_POLICY, type EventRule, type RuleTarget } from './eventbridge/bus-event.ts';
import { compileEventPattern } from './eventbridge/pattern/matcher.ts';
import { busNameOf } from './eventbridge/put-events-request.ts';
import type { HttpRouteBinding } from './http/http-routes.ts';
import { arrayField, jsonObjectOf, numberField, objectField, stringField } from './json.ts';
import { type AsyncInvokeConfig, DEFAULT_ASYNC_CONFIG } from './lambda/async-invoker.ts';
import { functionNameOf } from './local-account.ts';
import type { QueueSettings, RedrivePolicy } from './sqs/local-queue.ts';

/**
 * What the local runtime takes from the resolved template, resource type by resource type. Each reader keeps
 * the CloudFormation defaults, so a property the CDK leaves out behaves as in the cloud.
 */

export interface QueueModel {
  readonly name: string;
  readonly settings: Partial<QueueSettings>;
}

export const queuesOf = (resources: readonly ResolvedResource[]): QueueModel[] =>
  ofType(resources, 'AWS::SQS::Queue').map((queue) => {
    const { properties } = queue;
    const redrive = jsonObjectOf(properties.RedrivePolicy);
    const deadLetterTargetArn = redrive ? stringField(redrive, 'deadLetterTargetArn') : undefined;
    const maxReceiveCount = redrive ? numberField(redrive, 'maxReceiveCount') : undefined;
    const redrivePolicy: RedrivePolicy | undefined =
      deadLetterTargetArn && maxReceiveCount ? { deadLetterTargetArn, maxReceiveCount } : undefined;
    const setting = (name: string) => numberField(properties, name);
    const settings: Partial<QueueSettings> = {
      ...(setting('VisibilityTimeout') !== undefined
        ? { visibilityTimeoutSeconds: setting('VisibilityTimeout')! }
        : {}),
      ...(setting('MessageRetentionPeriod') !== undefined
        ? { messageRetentionSeconds: setting('MessageRetentionPeriod')! }
        : {}),
      ...(setting('DelaySeconds') !== undefined ? { delaySeconds: setting('DelaySeconds')! } : {}),
      ...(setting('ReceiveMessageWaitTimeSeconds') !== undefined
        ? { receiveMessageWaitTimeSeconds: setting('ReceiveMessageWaitTimeSeconds')! }
        : {}),
      ...(setting('MaximumMessageSize') !== undefined
        ? { maximumMessageSize: setting('MaximumMessageSize')! }
        : {}),
      ...(redrivePolicy ? { redrivePolicy } : {}),
    };
    return { name: queue.identity.attribute('QueueName') ?? queue.identity.ref, settings };
  });

export const tablesOf = (resources: readonly ResolvedResource[]): ResolvedResource[] => [
  ...ofType(resources, 'AWS::DynamoDB::Table'),
  ...ofType(resources, 'AWS::DynamoDB::GlobalTable'),
];

export interface TableTtlModel {
  readonly tableName: string;
  /** The TimeToLiveSpecification's AttributeName (TTL enabled). */
  readonly attribute: string;
  /** The key attributes (KeySchema), what a delete names. */
  readonly keyAttributes: readonly string[];
}

/** The tables whose TimeToLiveSpecification is enabled, with their TTL attribute. */
export const tableTtlsOf = (resources: readonly ResolvedResource[]): TableTtlModel[] =>
  tablesOf(resources).flatMap((table) => {
    const ttl = objectField(table.properties, 'TimeToLiveSpecification');
    const attribute = ttl ? stringField(ttl, 'AttributeName') : undefined;
    if (ttl?.Enabled !== true || !attribute) return [];
    const keyAttributes = arrayField(table.properties, 'KeySchema')
      .map((key) => (isJsonObject(key) ? stringField(key, 'AttributeName') : undefined))
      .filter((name): name is string => name !== undefined);
    return [{ tableName: table.identity.ref, attribute, keyAttributes }];
  });

export const busNamesOf = (resources: readonly ResolvedResource[]): string[] =>
  ofType(resources, 'AWS::Events::EventBus').map((bus) => bus.identity.ref);

const targetOf = (
  target: JsonObject,
  warn: (message: string) => void,
  ruleName: string,
): RuleTarget | undefined => {
  const arn = stringField(target, 'Arn');
  if (!arn) return undefined;
  if (target.InputTransformer !== undefined)
    warn(`rule ${ruleName}: InputTransformer is not applied locally`);
  const retry = objectField(target, 'RetryPolicy') ?? {};
  const deadLetter = objectField(target, 'DeadLetterConfig');
  const input = stringField(target, 'Input');
  const inputPath = stringField(target, 'InputPath');
  const deadLetterArn = deadLetter ? stringField(deadLetter, 'Arn') : undefined;
  const roleArn = stringField(target, 'RoleArn');
  return {
    id: stringField(target, 'Id') ?? arn,
    arn,
    retryPolicy: {
      maximumRetryAttempts:
        numberField(retry, 'MaximumRetryAttempts') ?? DEFAULT_RETRY_POLICY.maximumRetryAttempts,
      maximumEventAgeSeconds:
        numberField(retry, 'MaximumEventAgeInSeconds') ?? DEFAULT_RETRY_POLICY.maximumEventAgeSeconds,
    },
    ...(deadLetterArn ? { deadLetterArn } : {}),
    ...(input !== undefined ? { input } : {}),
    ...(inputPath !== undefined ? { inputPath } : {}),
    ...(roleArn ? { roleArn } : {}),
  };
};

/** Rules with their compiled patterns; an invalid pattern fails here, as it would fail the deploy. */
export const rulesOf = (
  resources: readonly ResolvedResource[],
  warn: (message: string) => void,
): EventRule[] =>
  ofType(resources, 'AWS::Events::Rule').map((rule) => {
    const { properties } = rule;
    const arn = rule.identity.attribute('Arn') ?? rule.identity.ref;
    const name = arn.split('/').pop()!;
    const pattern =
      properties.EventPattern === undefined
        ? undefined
        : (jsonObjectOf(properties.EventPattern) ?? properties.EventPattern);
    let matches: EventRule['matches'];
    if (pattern !== undefined) {
      try {
        matches = compileEventPattern(pattern);
      } catch (error) {
        throw new Error(`rule ${name} (${rule.logicalId}): ${(error as Error).message}`);
      }
    }
    const scheduleExpression = stringField(properties, 'ScheduleExpression');
    return {
      name,
      arn,
      busName: busNameOf(stringField(properties, 'EventBusName')),
      enabled: (stringField(properties, 'State') ?? 'ENABLED') !== 'DISABLED',
      ...(matches ? { matches } : {}),
      ...(scheduleExpression ? { scheduleExpression } : {}),
      targets: arrayField(properties, 'Targets')
        .filter(isJsonObject)
        .map((target) => targetOf(target, warn, name))
        .filter((target): target is RuleTarget => target !== undefined),
    };
  });

export interface EventSourceMappingModel {
  readonly queueArn: string;
  readonly functionName: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly maximumConcurrency: number | undefined;
}

export const sqsEventSourceMappingsOf = (resources: readonly ResolvedResource[]): EventSourceMappingModel[] =>
  ofType(resources, 'AWS::Lambda::EventSourceMapping')
    .filter((mapping) => (stringField(mapping.properties, 'EventSourceArn') ?? '').startsWith('arn:aws:sqs:'))
    .filter((mapping) => mapping.properties.Enabled !== false && mapping.properties.Enabled !== 'false')
    .map((mapping) => {
      const { properties } = mapping;
      const scaling = objectField(properties, 'ScalingConfig');
      return {
        queueArn: stringField(properties, 'EventSourceArn')!,
        functionName: functionNameOf(stringField(properties, 'FunctionName') ?? ''),
        batchSize: numberField(properties, 'BatchSize') ?? 10,
        maximumBatchingWindowSeconds: numberField(properties, 'MaximumBatchingWindowInSeconds') ?? 0,
        reportBatchItemFailures: arrayField(properties, 'FunctionResponseTypes').includes(
          'ReportBatchItemFailures',
        ),
        maximumConcurrency: scaling ? numberField(scaling, 'MaximumConcurrency') : undefined,
      };
    });

/** Each function's asynchronous invocation settings: its EventInvokeConfig and its DeadLetterConfig. */
export const asyncConfigsOf = (resources: readonly ResolvedResource[]): Map<string, AsyncInvokeConfig> => {
  const configs = new Map<string, AsyncInvokeConfig>();
  for (const fn of ofType(resources, 'AWS::Lambda::Function')) {
    const deadLetter = objectField(fn.properties, 'DeadLetterConfig');
    const deadLetterArn = deadLetter ? stringField(deadLetter, 'TargetArn') : undefined;
    if (deadLetterArn) configs.set(fn.identity.ref, { ...DEFAULT_ASYNC_CONFIG, deadLetterArn });
  }
  for (const config of ofType(resources, 'AWS::Lambda::EventInvokeConfig')) {
    const { properties } = config;
    const functionName = functionNameOf(stringField(properties, 'FunctionName') ?? '');
    const onFailure = objectField(objectField(properties, 'DestinationConfig') ?? {}, 'OnFailure');
    const onFailureArn = onFailure ? stringField(onFailure, 'Destination') : undefined;
    const previous = configs.get(functionName) ?? DEFAULT_ASYNC_CONFIG;
    configs.set(functionName, {
      ...previous,
      maximumRetryAttempts: numberField(properties, 'MaximumRetryAttempts') ?? previous.maximumRetryAttempts,
      maximumEventAgeSeconds:
        numberField(properties, 'MaximumEventAgeInSeconds') ?? previous.maximumEventAgeSeconds,
      ...(onFailureArn ? { onFailureArn } : {}),
    });
  }
  return configs;
};

/** The HTTP API routes and the function each route's Lambda proxy integration invokes. */
export const httpRoutesOf = (
  resources: readonly ResolvedResource[],
  warn: (message: string) => void,
): HttpRouteBinding[] => {
  const integrations = new Map<string, string>();
  for (const integration of ofType(resources, 'AWS::ApiGatewayV2::Integration')) {
    const uri = stringField(integration.properties, 'IntegrationUri') ?? '';
    if (uri.includes(':function:'))
      integrations.set(integration.identity.ref, functionNameOf(uri.replace(/\/invocations$/, '')));
  }
  const routes: HttpRouteBinding[] = [];
  for (const route of ofType(resources, 'AWS::ApiGatewayV2::Route')) {
    const routeKey = stringField(route.properties, 'RouteKey') ?? '';
    const integrationId = (stringField(route.properties, 'Target') ?? '').replace(/^integrations\//, '');
    const functionName = integrations.get(integrationId);
    if (functionName) routes.push({ routeKey, functionName });
    else warn(`route ${routeKey}: no Lambda integration to run locally`);
  }
  return routes;
};
