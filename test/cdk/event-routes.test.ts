import { describe, expect, it } from 'vitest';
import { ALL_EVENTS, sourceOf } from '#events/catalog.ts';
import { isJsonObject } from '#shared/json.ts';
import type { CfnResource } from '../../lib/assembly.ts';
import { FUNCTIONS, type FunctionName } from '../../lib/functions.ts';
import { busNameOf, DEFAULT_BUS_FORWARD, logicalIds, ruleNameOf } from '../../lib/names.ts';
import { EVENT_ROUTES } from '../../lib/routing.ts';
import { environmentOf } from '../support/synth.ts';
import { listOf, prop, resolve, resourceOf, resourcesOf, statementsOf, templates } from './template.ts';

const STAGE = 'dev';

/** EventBridge matching for the operators our rules use: exact strings and `prefix`. */
const matches = (pattern: unknown, event: Readonly<Record<string, string>>): boolean =>
  isJsonObject(pattern) &&
  Object.entries(pattern).every(([field, allowed]) => {
    const actual = event[field];
    return (
      actual !== undefined &&
      Array.isArray(allowed) &&
      allowed.some((option) =>
        typeof option === 'string'
          ? option === actual
          : isJsonObject(option) && typeof option.prefix === 'string' && actual.startsWith(option.prefix),
      )
    );
  });

/** The bus a rule listens on: the stateful stack's bus, or the account's default bus when it names none. */
const busOf = (rule: CfnResource): string => {
  const name = prop(rule, 'EventBusName');
  return name === undefined ? 'default' : resolve(name);
};

/**
 * Follows an event put on `bus` (the stateful stack's bus unless said) through the stateless template:
 * matching rules → target queues → mappings → functions.
 */
const trace = (event: Readonly<Record<string, string>>, bus = 'EventBus') => {
  const { stateless } = templates();
  const rules = resourcesOf(stateless, 'AWS::Events::Rule').filter(
    ([, rule]) => busOf(rule) === bus && matches(prop(rule, 'EventPattern'), event),
  );
  return rules.map(([ruleId, rule]) => {
    const targets = listOf(prop(rule, 'Targets'));
    const queues = targets.map((target) =>
      resolve(isJsonObject(target) ? target.Arn : undefined).replace(/\.Arn$/, ''),
    );
    const functions = queues.flatMap((queueId) =>
      resourcesOf(stateless, 'AWS::Lambda::EventSourceMapping')
        .filter(([, mapping]) => resolve(prop(mapping, 'EventSourceArn')) === `${queueId}.Arn`)
        .map(([, mapping]) => resolve(prop(mapping, 'FunctionName'))),
    );
    return { ruleId, bus: busOf(rule), queues, functions };
  });
};

// CONTRACT §1–§4 and §6: who must handle each consumed event. Independent of lib/routing.ts on purpose.
const CONSUMERS: Readonly<Record<string, readonly FunctionName[]>> = {
  'Video Posted': ['videoEvents'],
  'Video Removed': ['videoEvents'],
  'Account Disconnected': ['videoEvents'],
  'Profile Updated': ['contraEvents'],
  'Profile Deleted': ['contraEvents'],
  'Job Published': ['contraEvents'],
  // A closed job closes its links and, separately, its applications.
  'Job Closed': ['contraEvents', 'applicationClosings'],
  'Application Submitted': ['notifier'],
  'Application Withdrawn': ['notifier'],
  'Applications Closing Requested': ['applicationClosings'],
};

const byRule = (a: { ruleId: string }, b: { ruleId: string }) => a.ruleId.localeCompare(b.ruleId);

describe('event routing in the synthesized template', () => {
  it.each(Object.entries(CONSUMERS))(
    '%s from any reelhire.* source reaches %s through its queue',
    (detailType, consumers) => {
      const routes = EVENT_ROUTES.filter((candidate) => candidate.detailTypes.includes(detailType));
      expect(routes.map((route) => route.function).sort()).toEqual([...consumers].sort());
      for (const origin of ['tiktok', 'contra', 'api'] as const) {
        const paths = trace({ source: sourceOf(origin), 'detail-type': detailType });
        expect(paths.sort(byRule)).toEqual(
          routes
            .map((route) => ({
              ruleId: logicalIds.rule(route.id),
              bus: 'EventBus',
              queues: [logicalIds.queue(route.id)],
              functions: [logicalIds.function(route.function)],
            }))
            .sort(byRule),
        );
      }
    },
  );

  it("every routed detail-type matches exactly its routes' rules, and nothing else matches any rule", () => {
    for (const definition of ALL_EVENTS) {
      const routes = EVENT_ROUTES.filter((candidate) =>
        candidate.detailTypes.includes(definition.detailType),
      );
      for (const origin of definition.origins) {
        const paths = trace({ source: sourceOf(origin), 'detail-type': definition.detailType });
        expect(paths.map((path) => path.functions).sort(), definition.detailType).toEqual(
          routes.map((route) => [logicalIds.function(route.function)]).sort(),
        );
      }
    }
    expect(trace({ source: 'aws.s3', 'detail-type': 'Video Posted' })).toEqual([]);
    expect(trace({ source: 'tiktok', 'detail-type': 'Video Posted' })).toEqual([]);
    expect(trace({ source: 'reelhirex.tiktok', 'detail-type': 'Video Posted' })).toEqual([]);
  });

  it('forwards reelhire.* events put on the default bus (dev) to the custom bus, and nothing else', () => {
    const { stateless } = templates();
    const forward = resourceOf(stateless, logicalIds.rule(DEFAULT_BUS_FORWARD), 'AWS::Events::Rule');
    expect(prop(forward, 'Name')).toBe(ruleNameOf(STAGE, DEFAULT_BUS_FORWARD));
    const [target, ...others] = listOf(prop(forward, 'Targets'));
    expect(others).toEqual([]);
    expect(resolve(isJsonObject(target) ? target.Arn : undefined)).toBe('EventBus.Arn');
    // What it cannot forward (its role refused, the bus gone) is kept: a bus target takes a dead-letter queue.
    expect(
      resolve(
        isJsonObject(target) && isJsonObject(target.DeadLetterConfig) ? target.DeadLetterConfig.Arn : '',
      ),
    ).toBe(`${logicalIds.deadLetterQueue(DEFAULT_BUS_FORWARD)}.Arn`);
    // Its role may put events on the custom bus, and do nothing else.
    const role = resolve(isJsonObject(target) ? target.RoleArn : undefined).replace(/\.Arn$/, '');
    const policies = resourcesOf(stateless, 'AWS::IAM::Policy')
      .filter(([, policy]) => listOf(prop(policy, 'Roles')).some((attached) => resolve(attached) === role))
      .map(([logicalId]) => logicalId);
    const statements = statementsOf(stateless)
      .filter((found) => policies.includes(found.logicalId))
      .map((found) => found.statement);
    expect(statements).toEqual([expect.objectContaining({ Effect: 'Allow', Action: 'events:PutEvents' })]);
    expect(resolve(statements[0]?.Resource)).toBe('EventBus.Arn');
    expect(trace({ source: sourceOf('api'), 'detail-type': 'Video Posted' }, 'default')).toEqual([
      { ruleId: logicalIds.rule(DEFAULT_BUS_FORWARD), bus: 'default', queues: ['EventBus'], functions: [] },
    ]);
    expect(trace({ source: 'aws.s3', 'detail-type': 'Video Posted' }, 'default')).toEqual([]);
  });

  describe.each(EVENT_ROUTES.map((route) => [route.id, route] as const))('route %s', (_, route) => {
    const { stateless, stateful } = templates();
    const rule = resourceOf(stateless, logicalIds.rule(route.id), 'AWS::Events::Rule');
    const queueId = logicalIds.queue(route.id);
    const queue = resourceOf(stateless, queueId, 'AWS::SQS::Queue');
    const dlqId = logicalIds.deadLetterQueue(route.id);

    it('matches its detail-types from any reelhire.* source, on the custom bus', () => {
      expect(prop(rule, 'EventPattern')).toEqual({
        source: [{ prefix: 'reelhire.' }],
        'detail-type': [...route.detailTypes],
      });
      expect(resolve(prop(rule, 'EventBusName'))).toBe('EventBus');
      expect(prop(resourceOf(stateful, 'EventBus', 'AWS::Events::EventBus'), 'Name')).toBe(busNameOf(STAGE));
    });

    it('targets its queue with a retry policy and the route dead-letter queue', () => {
      const [target, ...others] = listOf(prop(rule, 'Targets'));
      expect(others).toEqual([]);
      expect(isJsonObject(target)).toBe(true);
      if (!isJsonObject(target)) return;
      expect(resolve(target.Arn)).toBe(`${queueId}.Arn`);
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
      expect(resolve(isJsonObject(target.DeadLetterConfig) ? target.DeadLetterConfig.Arn : undefined)).toBe(
        `${dlqId}.Arn`,
      );
    });

    it('queue: encrypted, visibility timeout and redrive to its dead-letter queue from routing', () => {
      expect(prop(queue, 'SqsManagedSseEnabled')).toBe(true);
      expect(prop(queue, 'VisibilityTimeout')).toBe(route.queue.visibilityTimeoutSeconds);
      expect(resolve(prop(queue, 'RedrivePolicy', 'deadLetterTargetArn'))).toBe(`${dlqId}.Arn`);
      expect(prop(queue, 'RedrivePolicy', 'maxReceiveCount')).toBe(route.queue.maxReceiveCount);
      const dlq = resourceOf(stateful, dlqId, 'AWS::SQS::Queue');
      // SQS keeps a moved message's original enqueue time: the DLQ must keep messages longer than the queue.
      expect(Number(prop(dlq, 'MessageRetentionPeriod'))).toBeGreaterThan(
        Number(prop(queue, 'MessageRetentionPeriod')),
      );
    });

    it('only its own rule may send to the queue', () => {
      const allows = statementsOf(stateless).filter(
        ({ type, statement }) =>
          type === 'AWS::SQS::QueuePolicy' &&
          statement.Effect === 'Allow' &&
          listOf(statement.Resource).some((resource) => resolve(resource) === `${queueId}.Arn`),
      );
      expect(allows.map(({ statement }) => statement)).toEqual([
        expect.objectContaining({
          Action: expect.arrayContaining(['sqs:SendMessage']),
          Principal: { Service: 'events.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalIds.rule(route.id), 'Arn'] } } },
        }),
      ]);
    });

    it('the dead-letter queue trusts exactly this rule, by the name the rule really has', () => {
      const ruleName = prop(rule, 'Name');
      expect(ruleName).toBe(ruleNameOf(STAGE, route.id));
      const trusted = statementsOf(stateful)
        .filter(({ type, statement }) => type === 'AWS::SQS::QueuePolicy' && statement.Effect === 'Allow')
        .filter(({ statement }) =>
          listOf(statement.Resource).some((resource) => resolve(resource) === `${dlqId}.Arn`),
        )
        .map(({ statement }) => {
          const condition = isJsonObject(statement.Condition) ? statement.Condition.ArnEquals : undefined;
          return isJsonObject(condition) ? resolve(condition['aws:SourceArn']) : undefined;
        });
      expect(trusted).toEqual([
        `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${busNameOf(STAGE)}/${String(ruleName)}`,
      ]);
    });

    it('feeds its function in batches with partial batch responses', () => {
      const mapping = resourceOf(
        stateless,
        logicalIds.eventSourceMapping(route.id),
        'AWS::Lambda::EventSourceMapping',
      );
      expect(resolve(prop(mapping, 'EventSourceArn'))).toBe(`${queueId}.Arn`);
      expect(resolve(prop(mapping, 'FunctionName'))).toBe(logicalIds.function(route.function));
      expect(prop(mapping, 'BatchSize')).toBe(route.queue.batchSize);
      expect(prop(mapping, 'MaximumBatchingWindowInSeconds')).toBe(
        route.queue.maxBatchingWindowSeconds > 0 ? route.queue.maxBatchingWindowSeconds : undefined,
      );
      expect(prop(mapping, 'FunctionResponseTypes')).toEqual(['ReportBatchItemFailures']);
    });

    it('polls with at most the concurrency the capacity plan gives it, within the function’s reservation', () => {
      const mapping = resourceOf(
        stateless,
        logicalIds.eventSourceMapping(route.id),
        'AWS::Lambda::EventSourceMapping',
      );
      expect(prop(mapping, 'ScalingConfig')).toEqual({ MaximumConcurrency: route.queue.maximumConcurrency });
      // More pollers than reserved executions would be throttled, each throttle a receive counted toward the DLQ.
      expect(route.queue.maximumConcurrency).toBeLessThanOrEqual(
        FUNCTIONS[route.function].reservedConcurrency,
      );
    });

    it('tells the function its queue, its dead-letter queue and the receive limit', () => {
      const environment = environmentOf(route.function);
      expect(resolve(environment.QUEUE_URL)).toBe(queueId);
      expect(resolve(environment.DEAD_LETTER_QUEUE_URL)).toBe(dlqId);
      expect(environment.MAX_RECEIVE_COUNT).toBe(String(route.queue.maxReceiveCount));
    });
  });
});
