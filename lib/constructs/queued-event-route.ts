import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type CfnRule, type IEventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { type CfnEventSourceMapping, EventSourceMapping, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { type CfnQueue, type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SOURCE_PREFIX } from '#events/catalog.ts';
import { logicalIds } from '../names.ts';
import type { EventRoute } from '../routing.ts';

export interface QueuedEventRouteProps {
  readonly route: EventRoute;
  readonly eventBus: IEventBus;
  readonly ruleName: string;
  /** Where the queue redrives to and where the rule sends what it cannot deliver. */
  readonly deadLetterQueue: IQueue;
  readonly consumer: IFunction;
  /** Rule-target delivery retries before dead-lettering. @default 185 (the EventBridge maximum) */
  readonly targetRetryAttempts?: number;
  /** How long the rule keeps trying to deliver an event. @default 24 hours (the EventBridge maximum) */
  readonly targetMaxEventAge?: Duration;
  /** @default 4 days */
  readonly retentionPeriod?: Duration;
  /** What happens to the queue, and the messages it holds, when it leaves the stack. @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One EventBridge → SQS → Lambda route: a rule on the bus matching the route's detail-types from any
 * `reelhire.*` source, an encrypted queue with a redrive to the route's dead-letter queue, and an event source
 * mapping with batches, a batching window, partial batch responses and a maximum concurrency.
 */
export class QueuedEventRoute extends Construct {
  public readonly route: EventRoute;
  public readonly queue: Queue;
  public readonly rule: Rule;
  public readonly eventSourceMapping: EventSourceMapping;

  constructor(scope: Construct, id: string, props: QueuedEventRouteProps) {
    super(scope, id);
    const { route } = props;
    this.route = route;
    const settings = route.queue;

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: props.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    (this.queue.node.defaultChild as CfnQueue).overrideLogicalId(logicalIds.queue(route.id));

    this.rule = new Rule(this, 'Rule', {
      eventBus: props.eventBus,
      ruleName: props.ruleName,
      description: `${route.detailTypes.join(', ')} → ${route.function}`,
      eventPattern: { source: Match.prefix(SOURCE_PREFIX), detailType: [...route.detailTypes] },
    });
    (this.rule.node.defaultChild as CfnRule).overrideLogicalId(logicalIds.rule(route.id));
    this.rule.addTarget(
      new SqsQueue(this.queue, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: props.targetRetryAttempts ?? 185,
        maxEventAge: props.targetMaxEventAge ?? Duration.hours(24),
      }),
    );

    this.eventSourceMapping = new EventSourceMapping(this, 'EventSourceMapping', {
      target: props.consumer,
      eventSourceArn: this.queue.queueArn,
      batchSize: settings.batchSize,
      maxBatchingWindow:
        settings.maxBatchingWindowSeconds > 0
          ? Duration.seconds(settings.maxBatchingWindowSeconds)
          : undefined,
      reportBatchItemFailures: true,
      maxConcurrency: settings.maximumConcurrency,
    });
    (this.eventSourceMapping.node.defaultChild as CfnEventSourceMapping).overrideLogicalId(
      logicalIds.eventSourceMapping(route.id),
    );
    // The mapping is checked against the role when it is created, so the rights must exist first.
    this.queue.grantConsumeMessages(props.consumer).applyBefore(this.eventSourceMapping);
  }
}
