import { describe, expect, it } from 'vitest';
import { isJsonObject } from '#shared/json.ts';
import { ALL_INDEXES, TABLE_KEYS } from '#shared/table-design.ts';
import { DEFAULT_BUS_FORWARD, logicalIds } from '../../lib/names.ts';
import { EVENT_ROUTES, SCHEDULES } from '../../lib/routing.ts';
import { listOf, prop, resolve, resourceOf, resourcesOf, statementsOf, templates } from './template.ts';

describe('stateful stack (dev)', () => {
  const { stateful } = templates();
  const table = resourceOf(stateful, logicalIds.table, 'AWS::DynamoDB::Table');

  it('the table: on demand, point-in-time recovery, KMS encryption, TTL on expiresAt', () => {
    expect(prop(table, 'BillingMode')).toBe('PAY_PER_REQUEST');
    expect(prop(table, 'PointInTimeRecoverySpecification')).toEqual({ PointInTimeRecoveryEnabled: true });
    // SSEEnabled without a key id: KMS with the AWS managed key (aws/dynamodb) rather than the owned key.
    expect(prop(table, 'SSESpecification')).toEqual({ SSEEnabled: true });
    expect(prop(table, 'TimeToLiveSpecification')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('the table has the keys and indexes of table-design.ts, all string keys, projecting everything', () => {
    expect(prop(table, 'KeySchema')).toEqual([
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ]);
    const indexes = listOf(prop(table, 'GlobalSecondaryIndexes'));
    expect(indexes).toEqual(
      ALL_INDEXES.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const attributes = listOf(prop(table, 'AttributeDefinitions'));
    expect(attributes.every((attribute) => isJsonObject(attribute) && attribute.AttributeType === 'S')).toBe(
      true,
    );
  });

  it('dev tears down cleanly: no deletion protection, Delete policies, no warm throughput to pay for', () => {
    expect(prop(table, 'DeletionProtectionEnabled')).toBe(false);
    expect(prop(table, 'WarmThroughput')).toBeUndefined();
    expect(table.DeletionPolicy).toBe('Delete');
  });

  it('the custom bus archives every reelhire.* event', () => {
    const [archive, ...others] = resourcesOf(stateful, 'AWS::Events::Archive');
    expect(others).toEqual([]);
    expect(resolve(prop(archive![1], 'SourceArn'))).toBe('EventBus.Arn');
    expect(prop(archive![1], 'EventPattern')).toEqual({ source: [{ prefix: 'reelhire.' }] });
    expect(prop(archive![1], 'RetentionDays')).toBe(7);
  });

  it('one dead-letter queue per event route, schedule and the default-bus forward, encrypted, kept 14 days', () => {
    const expected = [
      ...EVENT_ROUTES.map((route) => route.id),
      ...SCHEDULES.map((schedule) => schedule.id),
      DEFAULT_BUS_FORWARD,
    ]
      .map(logicalIds.deadLetterQueue)
      .sort();
    const queues = resourcesOf(stateful, 'AWS::SQS::Queue');
    expect(queues.map(([id]) => id).sort()).toEqual(expected);
    for (const [, queue] of queues) {
      expect(prop(queue, 'SqsManagedSseEnabled')).toBe(true);
      expect(prop(queue, 'MessageRetentionPeriod')).toBe(14 * 24 * 3600);
    }
  });

  it('every queue in both stacks refuses plain-HTTP access', () => {
    for (const template of [templates().stateful, templates().stateless]) {
      for (const [queueId] of resourcesOf(template, 'AWS::SQS::Queue')) {
        const guards = statementsOf(template).filter(
          ({ statement }) =>
            statement.Effect === 'Deny' &&
            listOf(statement.Resource).some((resource) => resolve(resource) === `${queueId}.Arn`),
        );
        expect(
          guards.map(({ statement }) => statement.Condition),
          queueId,
        ).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }]);
      }
    }
  });

  it('the dead-letter queue of a schedule or of the default-bus forward trusts exactly its rule on the default bus', () => {
    for (const routeId of [...SCHEDULES.map((schedule) => schedule.id), DEFAULT_BUS_FORWARD]) {
      const rule = resourceOf(templates().stateless, logicalIds.rule(routeId), 'AWS::Events::Rule');
      const dlqId = logicalIds.deadLetterQueue(routeId);
      const trusted = statementsOf(stateful)
        .filter(({ statement }) => statement.Effect === 'Allow')
        .filter(({ statement }) =>
          listOf(statement.Resource).some((resource) => resolve(resource) === `${dlqId}.Arn`),
        )
        .map(({ statement }) => statement.Condition);
      expect(
        trusted.map((condition) =>
          isJsonObject(condition) && isJsonObject(condition.ArnEquals)
            ? resolve(condition.ArnEquals['aws:SourceArn'])
            : undefined,
        ),
      ).toEqual([
        `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${String(prop(rule, 'Name'))}`,
      ]);
    }
  });
});
