import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type CfnRule, type IEventBus, Match, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget, LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { EventInvokeConfig } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SOURCE_PREFIX } from '#events/catalog.ts';
import { PUBLIC_READ_MAX_AGE_SECONDS } from '#shared/http.ts';
import { secretIdVariable, VIEWER_JWKS_URL_VARIABLE } from '#shared/secret-names.ts';
import { ALL_INDEXES } from '#shared/table-design.ts';
import { originDomainOf, type ReelHireConfig } from './config.ts';
import { ApiDistribution } from './constructs/api-distribution.ts';
import { grantFunnelQueries, grantFunnelRecording } from './constructs/funnel-access.ts';
import { METRICS_NAMESPACE, Monitoring } from './constructs/monitoring.ts';
import { QueuedEventRoute } from './constructs/queued-event-route.ts';
import { ReelHireFunction } from './constructs/reelhire-function.ts';
import { ReelHireHttpApi } from './constructs/reelhire-http-api.ts';
import { grantTableAccess } from './constructs/table-access.ts';
import { ViewerRateLimit } from './constructs/viewer-rate-limit.ts';
import { CDN_CACHED_ROUTES, VIEWER_RATE_LIMIT } from './front-door.ts';
import { FUNCTIONS, type FunctionName, type FunctionSpec, type QueueUse } from './functions.ts';
import { VIRAL_ROUTES, viralRouteThrottle, withViralReservation } from './funnel-capacity.ts';
import { busNameOf, DEFAULT_BUS_FORWARD, logicalIds, ruleNameOf } from './names.ts';
import {
  EVENT_ROUTES,
  type EventRoute,
  HTTP_ROUTES,
  type HttpRoute,
  SCHEDULES,
  type ScheduleRoute,
} from './routing.ts';

export interface StatelessStackProps extends StackProps {
  readonly config: ReelHireConfig;
  readonly table: ITable;
  readonly eventBus: IEventBus;
  /** The stateful stack's dead-letter queues, keyed by event route or schedule id. */
  readonly deadLetterQueues: ReadonlyMap<string, IQueue>;
  /** Function and access log retention. @default one month in dev, three months outside dev */
  readonly logRetention?: RetentionDays;
}

/**
 * Everything that can be replaced at will: the functions, the rules, queues and event source mappings that feed
 * them, the schedules, the HTTP API, the alarms and the dashboard, all built from lib/routing.ts.
 */
export class StatelessStack extends Stack {
  public readonly functions: ReadonlyMap<FunctionName, ReelHireFunction>;
  public readonly eventRoutes: ReadonlyMap<string, QueuedEventRoute>;
  public readonly schedules: ReadonlyMap<string, Rule>;
  public readonly httpApi: ReelHireHttpApi;
  public readonly frontDoor: ApiDistribution;
  public readonly viewerRateLimit: ViewerRateLimit;
  /** Where the world reaches ReelHire: the Apply links, the YouTube callback and the webhook urls use it. */
  public readonly publicBaseUrl: string;
  public readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config } = props;
    const isDev = config.stage === 'dev';
    const logRemovalPolicy = isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    // Queues hold events and notifications not yet handled (a day of notification retries): kept outside dev.
    const queueRemovalPolicy = isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? (isDev ? RetentionDays.ONE_MONTH : RetentionDays.THREE_MONTHS);

    const certificate =
      config.customDomain === undefined
        ? undefined
        : Certificate.fromCertificateArn(this, 'FrontDoorCertificate', config.customDomain.certificateArn);
    const { viralTapsPerSecond } = config;
    this.httpApi = new ReelHireHttpApi(this, 'HttpApi', {
      apiName: `reelhire-${config.stage}`,
      metricsNamespace: METRICS_NAMESPACE,
      // Access logs hold client IP addresses: 30 days in every stage (CONTRACT §7, docs/privacy.md).
      accessLogRetention: RetentionDays.ONE_MONTH,
      accessLogRemovalPolicy: logRemovalPolicy,
      ...(config.customDomain && certificate
        ? { ownDomain: { name: originDomainOf(config.customDomain), certificate } }
        : {}),
      ...(viralTapsPerSecond && {
        routeThrottleOverrides: new Map(
          VIRAL_ROUTES.map((key) => [key, viralRouteThrottle(viralTapsPerSecond)]),
        ),
      }),
    });
    this.viewerRateLimit = new ViewerRateLimit(this, 'ViewerRateLimit', {
      name: `reelhire-${config.stage}-front-door`,
      viewerRoutes: HTTP_ROUTES.filter((route) => route.throttle === 'viewer').map((route) => route.routeKey),
      limit: VIEWER_RATE_LIMIT.requests,
      windowSeconds: VIEWER_RATE_LIMIT.windowSeconds,
    });
    this.frontDoor = new ApiDistribution(this, 'FrontDoor', {
      originDomainName: this.httpApi.host,
      webAclArn: this.viewerRateLimit.webAcl.attrArn,
      routes: HTTP_ROUTES,
      cachedRoutes: CDN_CACHED_ROUTES,
      cacheSeconds: PUBLIC_READ_MAX_AGE_SECONDS,
      ...(config.customDomain && certificate
        ? { customDomain: { name: config.customDomain.name, certificate } }
        : {}),
    });
    const publicBaseUrl = config.publicBaseUrl ?? this.frontDoor.url;
    this.publicBaseUrl = publicBaseUrl;

    const deadLetterQueues = this.referenceDeadLetterQueues(props.deadLetterQueues);

    const functions = new Map<FunctionName, ReelHireFunction>();
    for (const [name, planned] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      const spec = withViralReservation(name, planned, config.viralTapsPerSecond);
      const fn = new ReelHireFunction(this, logicalIds.function(name), {
        name,
        spec,
        logRetention,
        logRemovalPolicy,
        logicalIds: {
          function: logicalIds.function(name),
          role: logicalIds.functionRole(name),
          logGroup: logicalIds.functionLogGroup(name),
        },
        environment: {
          ...(spec.table === 'none' ? {} : { TABLE_NAME: props.table.tableName }),
          EVENT_BUS_NAME: props.eventBus.eventBusName,
          PUBLIC_BASE_URL: publicBaseUrl,
          REELHIRE_STAGE: config.stage,
          POWERTOOLS_SERVICE_NAME: name,
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        },
      });
      this.grantAccess(fn, spec, props);
      if (spec.verifiesViewerTokens)
        fn.function.addEnvironment(VIEWER_JWKS_URL_VARIABLE, config.viewerJwksUrl);
      functions.set(name, fn);
    }
    this.functions = functions;
    const functionOf = (name: FunctionName): ReelHireFunction => {
      const fn = functions.get(name);
      if (fn === undefined) throw new Error(`routing names an unknown function "${name}"`);
      return fn;
    };

    const eventRoutes = new Map<string, QueuedEventRoute>();
    for (const route of EVENT_ROUTES) {
      if ([...eventRoutes.values()].some((queued) => queued.route.function === route.function)) {
        // Its QUEUE_URL, DEAD_LETTER_QUEUE_URL and MAX_RECEIVE_COUNT describe exactly one queue.
        throw new Error(`function "${route.function}" consumes more than one queue; give each route its own`);
      }
      eventRoutes.set(
        route.id,
        this.queuedRoute(route, functionOf(route.function), props, deadLetterQueues, queueRemovalPolicy),
      );
    }
    this.eventRoutes = eventRoutes;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      for (const use of spec.queues ?? []) this.grantQueueUse(functionOf(name), use, deadLetterQueues);
    }

    const schedules = new Map<string, Rule>();
    for (const schedule of SCHEDULES) {
      schedules.set(
        schedule.id,
        this.scheduledRule(schedule, functionOf(schedule.function), config.stage, deadLetterQueues),
      );
    }
    this.schedules = schedules;
    if (config.forwardDefaultBus) this.defaultBusForward(props.eventBus, config.stage, deadLetterQueues);

    this.httpApi.addRoutes(HTTP_ROUTES, (name) => functionOf(name as FunctionName).function);

    this.monitoring = new Monitoring(this, 'Monitoring', {
      namePrefix: `reelhire-${config.stage}`,
      alarmEmail: config.alarmEmail,
      keyRemovalPolicy: logRemovalPolicy,
      functions: [...functions].map(([name, fn]) => ({
        name,
        errors: fn.function.metricErrors(),
        throttles: fn.function.metricThrottles(),
      })),
      deadLetterQueues: [...deadLetterQueues].map(([routeId, queue]) => ({
        name: routeId,
        depth: queue.metricApproximateNumberOfMessagesVisible(),
      })),
      apiServerErrors: this.httpApi.api.metricServerError(),
      apiTooManyRequests: this.httpApi.metricTooManyRequests(),
    });

    this.outputs(HTTP_ROUTES, config);
  }

  /**
   * The stateful stack's queues as references: a rule target given the queue itself would write the queue's
   * resource policy from here, pointing back at this stack's rule (a cross-stack cycle). The stateful stack
   * writes that policy itself, from the fixed rule names.
   */
  private referenceDeadLetterQueues(queues: ReadonlyMap<string, IQueue>): ReadonlyMap<string, IQueue> {
    const references = new Map<string, IQueue>();
    for (const [routeId, queue] of queues) {
      references.set(
        routeId,
        Queue.fromQueueAttributes(this, `${logicalIds.deadLetterQueue(routeId)}Reference`, {
          queueArn: queue.queueArn,
          queueUrl: queue.queueUrl,
          queueName: queue.queueName,
        }),
      );
    }
    return references;
  }

  private deadLetterQueueOf(queues: ReadonlyMap<string, IQueue>, routeId: string): IQueue {
    const queue = queues.get(routeId);
    if (queue === undefined) throw new Error(`no dead-letter queue for route "${routeId}"`);
    return queue;
  }

  private grantAccess(fn: ReelHireFunction, spec: FunctionSpec, props: StatelessStackProps): void {
    if (spec.table !== 'none') grantTableAccess(fn.role, props.table, ALL_INDEXES, spec.table);
    if (spec.publishes) props.eventBus.grantPutEventsTo(fn.role);
    if (spec.recordsFunnel) grantFunnelRecording(this, fn, props.config.stage);
    if (spec.queriesFunnel) grantFunnelQueries(this, fn, props.config.stage);
    for (const name of spec.secrets) {
      const secretName = props.config.secretNames[name];
      // GetSecretValue only (grantRead adds DescribeSecret), on `<name>-??????`: the secret's ARN is its name,
      // `-` and six random characters. The function is given the name, which Secrets Manager resolves whatever
      // the name ends in; a partial ARN (Secret.fromSecretNameV2's secretArn) of a name ending in `-secret`
      // would be read as a full ARN and not be found.
      Grant.addToPrincipal({
        grantee: fn.role,
        actions: ['secretsmanager:GetSecretValue'],
        resourceArns: [
          this.formatArn({
            service: 'secretsmanager',
            resource: 'secret',
            resourceName: `${secretName}-??????`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      });
      fn.function.addEnvironment(secretIdVariable(name), secretName);
    }
  }

  /** Another route's queue, as the routing definition says the function uses it (least privilege). */
  private grantQueueUse(
    fn: ReelHireFunction,
    use: QueueUse,
    deadLetterQueues: ReadonlyMap<string, IQueue>,
  ): void {
    const route = this.eventRoutes.get(use.route);
    if (route === undefined) throw new Error(`a function uses the queue of an unknown route "${use.route}"`);
    if (use.access === 'send') {
      grantSendOnly(route.queue, fn.role);
      fn.function.addEnvironment(use.variable, route.queue.queueUrl);
      return;
    }
    const deadLetterQueue = this.deadLetterQueueOf(deadLetterQueues, use.route);
    Grant.addToPrincipal({
      grantee: fn.role,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
      resourceArns: [deadLetterQueue.queueArn],
    });
    fn.function.addEnvironment(use.variable, deadLetterQueue.queueUrl);
  }

  private queuedRoute(
    route: EventRoute,
    consumer: ReelHireFunction,
    props: StatelessStackProps,
    deadLetterQueues: ReadonlyMap<string, IQueue>,
    removalPolicy: RemovalPolicy,
  ): QueuedEventRoute {
    const deadLetterQueue = this.deadLetterQueueOf(deadLetterQueues, route.id);
    const queued = new QueuedEventRoute(this, route.id, {
      route,
      eventBus: props.eventBus,
      ruleName: ruleNameOf(props.config.stage, route.id),
      deadLetterQueue,
      consumer: consumer.function,
      removalPolicy,
    });
    grantSendOnly(deadLetterQueue, consumer.role);
    consumer.function.addEnvironment('QUEUE_URL', queued.queue.queueUrl);
    consumer.function.addEnvironment('DEAD_LETTER_QUEUE_URL', deadLetterQueue.queueUrl);
    consumer.function.addEnvironment('MAX_RECEIVE_COUNT', String(route.queue.maxReceiveCount));
    return queued;
  }

  /**
   * `reelhire.*` events put on the account's default bus, forwarded to ReelHire's bus (see forwardDefaultBus).
   * What cannot be forwarded (the role refused, the bus gone) goes to its dead-letter queue; a bus target takes
   * a dead-letter queue but no retry policy.
   */
  private defaultBusForward(
    eventBus: IEventBus,
    stage: string,
    deadLetterQueues: ReadonlyMap<string, IQueue>,
  ): Rule {
    const rule = new Rule(this, logicalIds.rule(DEFAULT_BUS_FORWARD), {
      ruleName: ruleNameOf(stage, DEFAULT_BUS_FORWARD),
      description: `reelhire.* events put on the default bus → ${busNameOf(stage)}`,
      eventPattern: { source: Match.prefix(SOURCE_PREFIX) },
    });
    (rule.node.defaultChild as CfnRule).overrideLogicalId(logicalIds.rule(DEFAULT_BUS_FORWARD));
    rule.addTarget(
      new EventBusTarget(eventBus, {
        deadLetterQueue: this.deadLetterQueueOf(deadLetterQueues, DEFAULT_BUS_FORWARD),
      }),
    );
    return rule;
  }

  private scheduledRule(
    schedule: ScheduleRoute,
    target: ReelHireFunction,
    stage: string,
    deadLetterQueues: ReadonlyMap<string, IQueue>,
  ): Rule {
    const deadLetterQueue = this.deadLetterQueueOf(deadLetterQueues, schedule.id);
    const rule = new Rule(this, logicalIds.rule(schedule.id), {
      ruleName: ruleNameOf(stage, schedule.id),
      description: `${schedule.expression} → ${schedule.function}`,
      schedule: Schedule.expression(schedule.expression),
    });
    (rule.node.defaultChild as CfnRule).overrideLogicalId(logicalIds.rule(schedule.id));
    rule.addTarget(
      new LambdaFunction(target.function, {
        deadLetterQueue,
        retryAttempts: 3,
        // A later run does the same work; an invocation delayed longer than this is not worth making.
        maxEventAge: Duration.hours(1),
      }),
    );
    // A run that still fails after Lambda's retries, or is older than its schedule allows, is recorded next to
    // the undeliverable ones. (SqsDestination would also grant GetQueueAttributes and GetQueueUrl, which Lambda
    // does not use.)
    const invokeConfig = new EventInvokeConfig(this, `${logicalIds.function(schedule.function)}AsyncInvoke`, {
      function: target.function,
      retryAttempts: schedule.retryAttempts,
      maxEventAge: Duration.seconds(schedule.maxEventAgeSeconds),
      onFailure: { bind: () => ({ destination: deadLetterQueue.queueArn }) },
    });
    // Lambda checks the role's right to send when the destination is configured.
    grantSendOnly(deadLetterQueue, target.role).applyBefore(invokeConfig);
    return rule;
  }

  private outputs(routes: readonly HttpRoute[], config: ReelHireConfig): void {
    new CfnOutput(this, 'ApiUrl', {
      value: this.publicBaseUrl,
      description: 'Base url of ReelHire: the CloudFront front door (or the configured domain)',
    });
    new CfnOutput(this, 'OriginUrl', {
      value: `https://${this.httpApi.host}`,
      description:
        'The HTTP API behind the front door, without its cache and WAF: for diagnosis, never to hand out',
    });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.frontDoor.distribution.distributionDomainName,
      description: 'The CloudFront distribution',
    });
    if (config.customDomain !== undefined && this.httpApi.ownDomainTarget !== undefined) {
      new CfnOutput(this, 'DnsRecords', {
        value: `${config.customDomain.name} CNAME ${this.frontDoor.distribution.distributionDomainName}; ${this.httpApi.host} CNAME ${this.httpApi.ownDomainTarget}`,
        description: 'The two DNS records to create (an alias record works too)',
      });
    }
    const webhookPaths = new Set(
      routes
        .map((route) => route.routeKey.split(' ')[1] ?? '')
        .filter((path) => path.startsWith('/webhooks/')),
    );
    for (const path of webhookPaths) {
      const platform = path.slice('/webhooks/'.length);
      new CfnOutput(this, `${platform[0]!.toUpperCase()}${platform.slice(1)}WebhookUrl`, {
        value: `${this.publicBaseUrl}${path}`,
        description: `Register this url as the ${platform} webhook`,
      });
    }
  }
}

/** What a dead-letter queue's writers need: SendMessage, not the GetQueueAttributes/GetQueueUrl of grantSendMessages. */
const grantSendOnly = (queue: IQueue, grantee: IGrantable): Grant =>
  Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [queue.queueArn] });
