import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  type CfnRoute,
  type CfnStage,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, LogGroup, type MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_ROUTE_THROTTLE, type RouteThrottle, THROTTLE_CLASSES } from '../front-door.ts';
import { logicalIds } from '../names.ts';
import type { HttpRoute as HttpRouteSpec } from '../routing.ts';

export interface ReelHireHttpApiProps {
  readonly apiName: string;
  /** The stage's default route throttle, for a route without its own. @default DEFAULT_ROUTE_THROTTLE */
  readonly defaultRouteThrottle?: RouteThrottle;
  /** Route throttles that replace their class's, by route key (a viral video's routes). @default none */
  readonly routeThrottleOverrides?: ReadonlyMap<string, RouteThrottle>;
  /** Namespace of the metric counting 429 answers (from the access log). */
  readonly metricsNamespace: string;
  /**
   * A domain of the API's own (regional, in the stack's region), which then becomes the only way in: the
   * execute-api url is disabled, so nothing reaches the API but through the front door that uses it.
   * @default - the execute-api url
   */
  readonly ownDomain?: { readonly name: string; readonly certificate: ICertificate };
  /** @default RetentionDays.ONE_MONTH */
  readonly accessLogRetention?: RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly accessLogRemovalPolicy?: RemovalPolicy;
}

const METHODS: ReadonlyMap<string, HttpMethod> = new Map(
  Object.values(HttpMethod).map((method) => [method as string, method]),
);

/**
 * The API Gateway HTTP API of CONTRACT §4 on the `$default` stage, with JSON access logs and throttling (the
 * stage's default and one setting per route, from the route's throttle class); each route a Lambda proxy
 * integration (payload format 2.0).
 */
export class ReelHireHttpApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogGroup: LogGroup;
  /** Counts the access log's 429 answers: API Gateway's throttling, and the limits of CONTRACT §7. */
  public readonly tooManyRequests: MetricFilter;
  /** The host the API answers on: its custom domain, or its execute-api domain. */
  public readonly host: string;
  /** Where the custom domain's DNS record must point (its regional target). @default - no custom domain */
  public readonly ownDomainTarget: string | undefined;
  /** Keyed by route key (`GET /health`). */
  public readonly routes: ReadonlyMap<string, HttpRoute>;
  private readonly routeMap = new Map<string, HttpRoute>();
  private readonly integrations = new Map<string, HttpLambdaIntegration>();
  private readonly routeThrottles = new Map<string, RouteThrottle>();
  private readonly routeThrottleOverrides: ReadonlyMap<string, RouteThrottle>;

  constructor(scope: Construct, id: string, props: ReelHireHttpApiProps) {
    super(scope, id);
    this.routes = this.routeMap;
    this.routeThrottleOverrides = props.routeThrottleOverrides ?? new Map();
    this.api = new HttpApi(this, 'Api', {
      apiName: props.apiName,
      createDefaultStage: false,
      disableExecuteApiEndpoint: props.ownDomain !== undefined,
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.accessLogRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.defaultRouteThrottle ?? DEFAULT_ROUTE_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            time: AccessLogField.contextRequestTime(),
            routeKey: AccessLogField.contextRouteKey(),
            status: AccessLogField.contextStatus(),
            sourceIp: AccessLogField.contextIdentitySourceIp(),
            responseLength: AccessLogField.contextResponseLength(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationError: AccessLogField.contextIntegrationErrorMessage(),
          }),
        ),
      },
    });
    if (props.ownDomain === undefined) {
      const stack = Stack.of(this);
      this.host = `${this.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
      this.ownDomainTarget = undefined;
    } else {
      const domain = new DomainName(this, 'OwnDomain', {
        domainName: props.ownDomain.name,
        certificate: props.ownDomain.certificate,
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
      new ApiMapping(this, 'OwnDomainMapping', { api: this.api, domainName: domain, stage: this.stage });
      this.host = props.ownDomain.name;
      this.ownDomainTarget = domain.regionalDomainName;
    }
    // HTTP APIs publish 4xx but not 429 alone, and most 4xx are ordinary (a video without links is a 404).
    this.tooManyRequests = this.accessLogGroup.addMetricFilter('TooManyRequests', {
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: props.metricsNamespace,
      metricName: 'ApiTooManyRequests',
      metricValue: '1',
    });
  }

  /** 429 answers of the API (throttled or over a limit), summed over `period`. */
  metricTooManyRequests(period = Duration.minutes(5)): Metric {
    return this.tooManyRequests.metric({ statistic: 'Sum', period });
  }

  /**
   * Adds the routes; the functions come after the API because they need its url (PUBLIC_BASE_URL).
   * @param handlerOf the function behind a route's `function` key
   */
  addRoutes(specs: readonly HttpRouteSpec[], handlerOf: (functionName: string) => IFunction): void {
    for (const spec of specs) {
      const [methodName = '', path = ''] = spec.routeKey.split(' ');
      const method = METHODS.get(methodName);
      if (method === undefined || !path.startsWith('/')) {
        throw new Error(`HTTP route "${spec.routeKey}" is not "<METHOD> /path"`);
      }
      let integration = this.integrations.get(spec.function);
      if (integration === undefined) {
        integration = new HttpLambdaIntegration(`${spec.function}Integration`, handlerOf(spec.function));
        this.integrations.set(spec.function, integration);
      }
      const id = logicalIds.route(spec.routeKey);
      const route = new HttpRoute(this, id, {
        httpApi: this.api,
        routeKey: HttpRouteKey.with(path, method),
        integration,
      });
      (route.node.defaultChild as CfnRoute).overrideLogicalId(id);
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: authorizationReason(spec.routeKey),
      });
      this.routeMap.set(spec.routeKey, route);
      this.routeThrottles.set(
        spec.routeKey,
        this.routeThrottleOverrides.get(spec.routeKey) ?? THROTTLE_CLASSES[spec.throttle],
      );
      // A route setting names a route key that must exist when the stage is updated.
      this.stage.node.addDependency(route);
    }
    (this.stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      [...this.routeThrottles].map(([routeKey, throttle]) => [
        routeKey,
        { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit },
      ]),
    );
  }
}

/** Why a route has no API Gateway authorizer: each authenticates in its handler, or is public by contract. */
const authorizationReason = (routeKey: string): string => {
  if (routeKey.includes('/webhooks/')) {
    return 'Webhooks are authenticated by the platform signature (HMAC) that the handler verifies.';
  }
  if (routeKey.includes(' /applications') || routeKey.includes(' /employer/')) {
    return 'The viewer JWT or the employer key is verified in the handler, so that 401 and 404 (never 403) follow the contract.';
  }
  if (routeKey.startsWith('POST /jobs/')) {
    return 'The viewer JWT is verified in the handler so that its errors follow the contract (problem+json, 401 before 404/410/422).';
  }
  return 'Public by contract: health, link lookups and the apply page are read by anyone who sees a video.';
};
