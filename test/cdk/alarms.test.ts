import { describe, expect, it } from 'vitest';
import { isJsonObject } from '#shared/json.ts';
import { FUNCTIONS } from '../../lib/functions.ts';
import { logicalIds } from '../../lib/names.ts';
import { EVENT_ROUTES, SCHEDULES } from '../../lib/routing.ts';
import { listOf, prop, resolve, resourcesOf, templates } from './template.ts';

interface AlarmView {
  readonly metric: unknown;
  readonly namespace: unknown;
  readonly dimension: string;
  readonly threshold: unknown;
  readonly comparison: unknown;
  readonly actions: string[];
}

const alarms = (): AlarmView[] =>
  resourcesOf(templates().stateless, 'AWS::CloudWatch::Alarm').map(([, alarm]) => {
    const [dimension] = listOf(prop(alarm, 'Dimensions')).filter(isJsonObject);
    return {
      metric: prop(alarm, 'MetricName'),
      namespace: prop(alarm, 'Namespace'),
      dimension: dimension === undefined ? '' : `${String(dimension.Name)}=${resolve(dimension.Value)}`,
      threshold: prop(alarm, 'Threshold'),
      comparison: prop(alarm, 'ComparisonOperator'),
      actions: listOf(prop(alarm, 'AlarmActions')).map(resolve),
    };
  });

const topicId = (): string => {
  const [topic, ...others] = resourcesOf(templates().stateless, 'AWS::SNS::Topic');
  expect(others).toEqual([]);
  return topic![0];
};

describe('alarms', () => {
  it.each([...EVENT_ROUTES.map((route) => route.id), ...SCHEDULES.map((schedule) => schedule.id)])(
    'the %s dead-letter queue alarms on its first message',
    (routeId) => {
      const matching = alarms().filter(
        (alarm) => alarm.dimension === `QueueName=${logicalIds.deadLetterQueue(routeId)}.QueueName`,
      );
      expect(matching).toEqual([
        {
          metric: 'ApproximateNumberOfMessagesVisible',
          namespace: 'AWS/SQS',
          dimension: `QueueName=${logicalIds.deadLetterQueue(routeId)}.QueueName`,
          threshold: 1,
          comparison: 'GreaterThanOrEqualToThreshold',
          actions: [topicId()],
        },
      ]);
    },
  );

  it.each(Object.keys(FUNCTIONS))('%s alarms on errors and on throttles', (name) => {
    const matching = alarms().filter(
      (alarm) => alarm.dimension === `FunctionName=${logicalIds.function(name)}`,
    );
    expect(matching.map((alarm) => alarm.metric).sort()).toEqual(['Errors', 'Throttles']);
    for (const alarm of matching) {
      expect(alarm).toMatchObject({ namespace: 'AWS/Lambda', threshold: 1, actions: [topicId()] });
    }
  });

  it('the topic policy lets CloudWatch publish for the stack’s own alarms (a topic policy replaces the default one)', () => {
    const { stateless } = templates();
    const policies = resourcesOf(stateless, 'AWS::SNS::TopicPolicy');
    expect(policies.map(([, policy]) => listOf(prop(policy, 'Topics')).map(resolve))).toEqual([[topicId()]]);
    const statements = listOf(prop(policies[0]![1], 'PolicyDocument', 'Statement')).filter(isJsonObject);
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: expect.anything(),
        Condition: {
          ArnLike: { 'aws:SourceArn': expect.anything() },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
    const alarmArns = resolve(
      (allows[0]!.Condition as { ArnLike: { 'aws:SourceArn': unknown } }).ArnLike['aws:SourceArn'],
    );
    expect(alarmArns).toBe(
      `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:reelhire-dev-*`,
    );
    // Every alarm is named under that prefix, so every one of them may publish.
    for (const [, alarm] of resourcesOf(stateless, 'AWS::CloudWatch::Alarm')) {
      expect(String(prop(alarm, 'AlarmName'))).toMatch(/^reelhire-dev-/);
    }
    // And the encrypted topic's key lets CloudWatch use it for the same alarms.
    const [, key] = resourcesOf(stateless, 'AWS::KMS::Key')[0]!;
    const cloudWatch = listOf(prop(key, 'KeyPolicy', 'Statement'))
      .filter(isJsonObject)
      .find(
        (statement) =>
          isJsonObject(statement.Principal) && statement.Principal.Service === 'cloudwatch.amazonaws.com',
      );
    expect(cloudWatch?.Action).toEqual(['kms:GenerateDataKey', 'kms:Decrypt']);
    expect(cloudWatch?.Condition).toEqual(allows[0]!.Condition);
  });

  it('every dead-letter queue alarm: at least 1 visible message, 60 s period, 1 datapoint', () => {
    const { stateless } = templates();
    const dlqAlarms = resourcesOf(stateless, 'AWS::CloudWatch::Alarm').filter(
      ([, alarm]) => prop(alarm, 'Namespace') === 'AWS/SQS',
    );
    expect(dlqAlarms.length).toBe(EVENT_ROUTES.length + SCHEDULES.length + 1);
    for (const [, alarm] of dlqAlarms) {
      expect({
        metric: prop(alarm, 'MetricName'),
        statistic: prop(alarm, 'Statistic'),
        period: prop(alarm, 'Period'),
        evaluationPeriods: prop(alarm, 'EvaluationPeriods'),
        datapointsToAlarm: prop(alarm, 'DatapointsToAlarm'),
        threshold: prop(alarm, 'Threshold'),
        comparison: prop(alarm, 'ComparisonOperator'),
      }).toEqual({
        metric: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: 1,
        comparison: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarm notifications go to a KMS-encrypted topic that only accepts TLS', () => {
    const topic = templates().stateless.Resources[topicId()]!;
    expect(resolve(prop(topic, 'KmsMasterKeyId'))).toMatch(/^MonitoringAlarmTopicKey\w+\.Arn$/);
    // No email in dev: the subscription comes with the alarm email of the config.
    expect(resourcesOf(templates().stateless, 'AWS::SNS::Subscription')).toEqual([]);
  });

  it('the dashboard shows events processed, links changed, notifications, applications and every DLQ depth', () => {
    const dashboards = resourcesOf(templates().stateless, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = resolve(prop(dashboards[0]![1], 'DashboardBody'));
    for (const metric of [
      'EventsProcessed',
      'LinksChanged',
      'NotificationsDelivered',
      'NotificationsFailed',
      'ApplicationsSubmitted',
      'ApplicationStatusesChanged',
      'ApplicationsWithdrawn',
      'ApplicationsClosed',
      'ApplicationChangesRepublished',
    ]) {
      expect(body).toContain(`MetricName=\\"${metric}\\"`);
    }
    for (const routeId of [
      ...EVENT_ROUTES.map((route) => route.id),
      ...SCHEDULES.map((schedule) => schedule.id),
    ]) {
      expect(body).toContain(`"QueueName","${logicalIds.deadLetterQueue(routeId)}.QueueName"`);
    }
  });
});
