import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AccountRootPrincipal, PolicyDocument, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { MetricName } from '#shared/metric-names.ts';

/** The CloudWatch namespace of the functions' EMF metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'ReelHire';

/**
 * The key administrators' rights, spelled out: the default key policy grants `kms:*`, and nothing in this
 * stack may hold a wildcard action. The account keeps PutKeyPolicy, so it can never lock itself out.
 */
const KEY_ADMIN_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:ListKeyPolicies',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:ListKeyRotations',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:UpdateKeyDescription',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

export interface FunctionToWatch {
  readonly name: string;
  readonly errors: Metric;
  readonly throttles: Metric;
}

export interface QueueToWatch {
  readonly name: string;
  /** ApproximateNumberOfMessagesVisible of the dead-letter queue. */
  readonly depth: Metric;
}

export interface MonitoringProps {
  /** Prefix of alarm names and the dashboard name. */
  readonly namePrefix: string;
  /** Subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  readonly functions: readonly FunctionToWatch[];
  readonly deadLetterQueues: readonly QueueToWatch[];
  /** 5xx answers of the HTTP API. @default - no API alarm */
  readonly apiServerErrors?: Metric;
  /** 429 answers of the HTTP API (its throttles, the §7 limits). @default - no alarm */
  readonly apiTooManyRequests?: Metric;
  /** @default RemovalPolicy.DESTROY */
  readonly keyRemovalPolicy?: RemovalPolicy;
}

/**
 * Alarms on every dead-letter queue's depth and on each function's errors and throttles, sent to an encrypted
 * SNS topic; and one dashboard with what the system did (events processed, links changed, notifications) next
 * to what it could not do (dead-letter queue depths).
 */
export class Monitoring extends Construct {
  public readonly topicKey: Key;
  public readonly alarmTopic: Topic;
  public readonly alarms: readonly Alarm[];
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const account = stack.account;
    // Every alarm of this construct is named `<namePrefix>-…`: what CloudWatch names as aws:SourceArn.
    const alarmArns = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `${props.namePrefix}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const fromTheseAlarms = {
      ArnLike: { 'aws:SourceArn': alarmArns },
      StringEquals: { 'aws:SourceAccount': account },
    };

    this.topicKey = new Key(this, 'AlarmTopicKey', {
      description: `${props.namePrefix} alarm notifications`,
      enableKeyRotation: true,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
      policy: new PolicyDocument({
        statements: [
          new PolicyStatement({
            sid: 'KeyAdministration',
            principals: [new AccountRootPrincipal()],
            actions: KEY_ADMIN_ACTIONS,
            resources: ['*'],
          }),
          new PolicyStatement({
            sid: 'CloudWatchAlarmsPublish',
            principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
            actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
            resources: ['*'],
            conditions: fromTheseAlarms,
          }),
        ],
      }),
    });

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `${props.namePrefix} alarms`,
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    // enforceSSL writes a topic policy whose only statement is a Deny, and a topic policy replaces SNS's default
    // one: without this statement no alarm could publish.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: fromTheseAlarms,
      }),
    );
    if (props.alarmEmail !== undefined) {
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    }
    const notify = new SnsAction(this.alarmTopic);

    const alarms: Alarm[] = [];
    const alarm = (alarmId: string, metric: IMetric, description: string, threshold = 1): void => {
      const created = new Alarm(this, alarmId, {
        alarmName: `${props.namePrefix}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      alarms.push(created);
    };

    for (const queue of props.deadLetterQueues) {
      alarm(
        `${queue.name}-dlq-depth`,
        queue.depth.with({ statistic: 'Maximum', period: Duration.minutes(1) }),
        `Messages are waiting in the ${queue.name} dead-letter queue: read their reason, fix, redrive.`,
      );
    }
    for (const fn of props.functions) {
      const period = Duration.minutes(5);
      alarm(
        `${fn.name}-errors`,
        fn.errors.with({ statistic: 'Sum', period }),
        `${fn.name} failed invocations`,
      );
      alarm(
        `${fn.name}-throttles`,
        fn.throttles.with({ statistic: 'Sum', period }),
        `${fn.name} was throttled`,
      );
    }
    if (props.apiServerErrors !== undefined) {
      alarm(
        'api-5xx',
        props.apiServerErrors.with({ statistic: 'Sum', period: Duration.minutes(5) }),
        'The HTTP API answered 5xx at least 5 times in 5 minutes',
        5,
      );
    }
    if (props.apiTooManyRequests !== undefined) {
      alarm(
        'api-429',
        props.apiTooManyRequests.with({ statistic: 'Sum', period: Duration.minutes(5) }),
        'The HTTP API answered 429 at least 100 times in 5 minutes: a route throttle or the account quota ' +
          '(docs/capacity.md "Front door": raise it if the load is real, look at the access log if not), ' +
          'or callers over the limits of CONTRACT §7',
        100,
      );
    }
    this.alarms = alarms;

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.namePrefix,
      widgets: [
        [
          domainWidget('Events processed', ['EventsProcessed', 'EventsDeadLettered']),
          domainWidget('Links changed', ['LinksChanged']),
          domainWidget('Notifications', ['NotificationsDelivered', 'NotificationsFailed']),
        ],
        [
          domainWidget('Applications', [
            'ApplicationsSubmitted',
            'ApplicationsOverLimit',
            'ApplicationStatusesChanged',
            'ApplicationsWithdrawn',
            'ApplicationsClosed',
          ]),
          // Changes whose request failed after writing, published by the sweep: should stay near zero.
          domainWidget('Application changes republished', ['ApplicationChangesRepublished']),
          domainWidget('Notification attempts failed', ['NotificationAttemptsFailed']),
        ],
        [
          new GraphWidget({
            title: 'Dead-letter queue depths',
            width: 12,
            left: props.deadLetterQueues.map((queue) =>
              queue.depth.with({ statistic: 'Maximum', period: Duration.minutes(1), label: queue.name }),
            ),
          }),
          new GraphWidget({
            title: 'Function errors',
            width: 12,
            left: props.functions.map((fn) =>
              fn.errors.with({ statistic: 'Sum', period: Duration.minutes(1), label: fn.name }),
            ),
          }),
        ],
      ],
    });
  }
}

/**
 * One line per metric the handlers emit through Powertools (dimension `service` = the function key), summed
 * over every function that emits it, so the dashboard need not know which function emits what.
 */
const domainWidget = (title: string, metricNames: readonly MetricName[]): GraphWidget =>
  new GraphWidget({
    title,
    width: 8,
    left: metricNames.map(
      (metricName) =>
        new MathExpression({
          expression: `SUM(SEARCH('{${METRICS_NAMESPACE},service} MetricName="${metricName}"', 'Sum', 60))`,
          label: metricName,
          period: Duration.minutes(1),
        }),
    ),
  });
