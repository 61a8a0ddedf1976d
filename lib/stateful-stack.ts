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
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ALL_EVENTS, SOURCE_PREFIX } from '#events/catalog.ts';
import { ALL_INDEXES, TABLE_KEYS } from '#shared/table-design.ts';
import type { Stage } from './config.ts';
import { EventSchemaRegistry } from './constructs/event-schema-registry.ts';
import { FunnelLog } from './constructs/funnel-log.ts';
import {
  busNameOf,
  DEFAULT_BUS_FORWARD,
  FUNNEL_TABLE_NAME,
  funnelBucketNameOf,
  funnelDatabaseNameOf,
  funnelStreamNameOf,
  funnelWorkGroupNameOf,
  logicalIds,
  ruleNameOf,
} from './names.ts';
import { EVENT_ROUTES, SCHEDULES } from './routing.ts';

export interface StatefulStackProps extends StackProps {
  readonly stage: Stage;
  /** Whether the stateless stack forwards the default bus (config.forwardDefaultBus): its rule needs a DLQ. */
  readonly forwardDefaultBus: boolean;
  /** How long the bus archive keeps events for replay. @default 30 days outside dev, 7 days in dev */
  readonly archiveRetention?: Duration;
}

/** DynamoDB's TTL attribute: items carrying it (delivery ids, expired leases) are removed after that instant. */
export const TTL_ATTRIBUTE = 'expiresAt';

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
    });
    for (const index of ALL_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
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
      streamName: funnelStreamNameOf(props.stage),
      bucketName: funnelBucketNameOf(props.stage, this.account, this.region),
      workGroupName: funnelWorkGroupNameOf(props.stage),
      databaseName: funnelDatabaseNameOf(props.stage),
      tableName: FUNNEL_TABLE_NAME,
      removalPolicy,
    });

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
