import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type CfnTable,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { type CfnEventBus, EventBus, Match } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ALL_EVENTS, SOURCE_PREFIX } from '#events/catalog.ts';
import { ALL_INDEXES, INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '#shared/table-design.ts';
import type { Stage } from './config.ts';
import { EventSchemaRegistry } from './constructs/event-schema-registry.ts';
import { FunnelLog } from './constructs/funnel-log.ts';
import { THROTTLE_CLASSES } from './front-door.ts';
import {
  busNameOf,
  DEFAULT_BUS_FORWARD,
  FUNNEL_TABLE_NAME,
  funnelBucketNameOf,
  funnelDatabaseNameOf,
  funnelStreamNamesOf,
  funnelWorkGroupNameOf,
  logicalIds,
  ruleNameOf,
} from './names.ts';
import { EVENT_ROUTES, PLATFORM_SUBSCRIPTIONS, SCHEDULES } from './routing.ts';

export interface StatefulStackProps extends StackProps {
  readonly stage: Stage;
  /** Whether the stateless stack forwards the default bus (config.forwardDefaultBus): its rule needs a DLQ. */
  readonly forwardDefaultBus: boolean;
  /** How long the bus archive keeps events for replay. @default 30 days outside dev, 7 days in dev */
  readonly archiveRetention?: Duration;
  /** AWS accounts that may put rules on the bus for PLATFORM_SUBSCRIPTIONS. @default none */
  readonly platformAccountIds?: readonly string[];
}

/** The IAM policy variable of the calling account (not a template placeholder). */
const CALLER_ACCOUNT = ['$', '{aws:PrincipalAccount}'].join('');

/**
 * The table's warm throughput for launch (prod), from the capacity plan (docs/capacity.md): every webhook at
 * its planned peak costs a Video Posted's units (measured by `npm run bench`: the dedupe's look and remember,
 * 0.5 RCU + 1 WCU; the link write and its read after write, 1 WCU + 2 RCU), and each public read that reaches
 * the origin 2 RCU. A new on-demand table is warm for 4,000 WCU / 12,000 RCU only; below this, the launch peak
 * would be throttled while the table splits. The `videosByAccount` index takes one write per posted video.
 */
const PEAK_DELIVERIES = THROTTLE_CLASSES.webhooks.rateLimit;
export const LAUNCH_WARM_THROUGHPUT = {
  table: {
    writeUnitsPerSecond: PEAK_DELIVERIES * (1 + 1),
    readUnitsPerSecond: PEAK_DELIVERIES * (0.5 + 2) + THROTTLE_CLASSES.publicReads.rateLimit * 2,
  },
  videosByAccount: { writeUnitsPerSecond: PEAK_DELIVERIES, readUnitsPerSecond: 12_000 },
} as const;

/**
 * What outlives a deploy: the table, the bus with its archive, and the dead-letter queues (the messages in them
 * are data someone still has to look at). Everything here is kept (RETAIN, deletion protection) outside dev.
 */
export class StatefulStack extends Stack {
  public readonly stage: Stage;
  public readonly table: Table;
  public readonly eventBus: EventBus;
  /**
   * One dead-letter queue per event route, per schedule and for the default-bus forward, keyed by the route's id. An event route's DLQ
   * receives both what its queue gives up on and what the rule could not deliver to the queue: both carry the
   * EventBridge event as the body, so one redrive into the route's queue recovers either.
   */
  public readonly deadLetterQueues: ReadonlyMap<string, Queue>;
  /** The shapes of the events on the bus, for its subscribers: the contract's events, not the internal ones. */
  public readonly schemaRegistry: EventSchemaRegistry;
  /** Taps and page views, kept: the funnel's counts are queries over it. */
  public readonly funnelLog: FunnelLog;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.stage = props.stage;
    const keep = props.stage !== 'dev';
    const removalPolicy = keep ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: keep,
      removalPolicy,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      ...(keep ? { warmThroughput: LAUNCH_WARM_THROUGHPUT.table } : {}),
    });
    for (const index of ALL_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
        ...(keep && index.name === INDEXES.videosByAccount.name
          ? { warmThroughput: LAUNCH_WARM_THROUGHPUT.videosByAccount }
          : {}),
      });
    }
    (this.table.node.defaultChild as CfnTable).overrideLogicalId(logicalIds.table);

    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: busNameOf(props.stage) });
    this.eventBus.applyRemovalPolicy(removalPolicy);
    (this.eventBus.node.defaultChild as CfnEventBus).overrideLogicalId(logicalIds.eventBus);
    this.eventBus.archive('Archive', {
      description: 'Every reelhire.* event, for replay after a fix',
      eventPattern: { source: Match.prefix(SOURCE_PREFIX) },
      retention: props.archiveRetention ?? Duration.days(keep ? 30 : 7),
    });

    this.schemaRegistry = new EventSchemaRegistry(this, 'EventSchemas', {
      registryName: busNameOf(props.stage),
      events: ALL_EVENTS.filter((definition) => !definition.internal),
    });

    this.funnelLog = new FunnelLog(this, 'FunnelLog', {
      streamNames: funnelStreamNamesOf(props.stage),
      bucketName: funnelBucketNameOf(props.stage, this.account, this.region),
      workGroupName: funnelWorkGroupNameOf(props.stage),
      databaseName: funnelDatabaseNameOf(props.stage),
      tableName: FUNNEL_TABLE_NAME,
      removalPolicy,
    });

    const platforms = props.platformAccountIds ?? [];
    if (platforms.length > 0) this.letPlatformsSubscribe(platforms, busNameOf(props.stage));

    const deadLetterQueues = new Map<string, Queue>();
    for (const route of EVENT_ROUTES) {
      const ruleArn = this.formatArn({
        service: 'events',
        resource: 'rule',
        resourceName: `${busNameOf(props.stage)}/${ruleNameOf(props.stage, route.id)}`,
      });
      deadLetterQueues.set(route.id, this.deadLetterQueue(route.id, ruleArn, removalPolicy));
    }
    // Schedules and the default-bus forward are rules on the default bus: `rule/<name>`.
    const defaultBusRules = [
      ...SCHEDULES.map((schedule) => schedule.id),
      ...(props.forwardDefaultBus ? [DEFAULT_BUS_FORWARD] : []),
    ];
    for (const routeId of defaultBusRules) {
      const ruleArn = this.formatArn({
        service: 'events',
        resource: 'rule',
        resourceName: ruleNameOf(props.stage, routeId),
      });
      deadLetterQueues.set(routeId, this.deadLetterQueue(routeId, ruleArn, removalPolicy));
    }
    this.deadLetterQueues = deadLetterQueues;
  }

  /**
   * The platforms' accounts may put rules on the bus (AWS: "allowing other accounts to manage rules on your
   * bus") for the detail-types they subscribe to, and manage only the rules their own account created, with
   * targets in their own account. A rule whose pattern names no detail-type, or another one, is refused.
   */
  private letPlatformsSubscribe(accountIds: readonly string[], busName: string): void {
    const principals = accountIds.map((account) => new AccountPrincipal(account));
    const rules = this.formatArn({ service: 'events', resource: 'rule', resourceName: `${busName}/*` });
    const ownRulesOnly = { 'events:creatorAccount': CALLER_ACCOUNT };
    this.eventBus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'PlatformRulesForTheirSubscriptions',
        principals,
        actions: ['events:PutRule'],
        resources: [rules],
        conditions: {
          'ForAllValues:StringEquals': { 'events:detail-type': [...PLATFORM_SUBSCRIPTIONS] },
          Null: { 'events:detail-type': 'false' },
          StringEqualsIfExists: ownRulesOnly,
        },
      }),
    );
    this.eventBus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'PlatformTargetsInTheirAccount',
        principals,
        actions: ['events:PutTargets'],
        resources: [rules],
        conditions: {
          StringEquals: ownRulesOnly,
          // A string operator, where IAM documents policy variables; any service, region and resource of its account.
          'ForAllValues:StringLike': { 'events:TargetArn': `arn:*:*:*:${CALLER_ACCOUNT}:*` },
        },
      }),
    );
    this.eventBus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'PlatformManageTheirRules',
        principals,
        actions: [
          'events:DeleteRule',
          'events:DescribeRule',
          'events:DisableRule',
          'events:EnableRule',
          'events:ListTargetsByRule',
          'events:RemoveTargets',
        ],
        resources: [rules],
        conditions: { StringEquals: ownRulesOnly },
      }),
    );
  }

  private deadLetterQueue(routeId: string, ruleArn: string, removalPolicy: RemovalPolicy): Queue {
    const queue = new Queue(this, logicalIds.deadLetterQueue(routeId), {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    (queue.node.defaultChild as CfnQueue).overrideLogicalId(logicalIds.deadLetterQueue(routeId));
    // Written here rather than by the rule target, which would reference the rule across stacks (a cycle).
    queue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EventBridgeRuleDeadLetters',
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      }),
    );
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is a dead-letter queue; the queues and rules it serves are in the stateless stack.',
    });
    return queue;
  }
}
