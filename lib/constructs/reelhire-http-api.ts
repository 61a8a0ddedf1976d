import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnRoute,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { logicalIds } from '../names.ts';
import type { HttpRoute as HttpRouteSpec } from '../routing.ts';

export interface ReelHireHttpApiProps {
  readonly apiName: string;
  /** Steady requests per second across the API. @default 500 */
  readonly rateLimit?: number;
  /** @default 1000 */
  readonly burstLimit?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly accessLogRetention?: RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly accessLogRemovalPolicy?: RemovalPolicy;
}

const METHODS: ReadonlyMap<string, HttpMethod> = new Map(
  Object.values(HttpMethod).map((method) => [method as string, method]),
);

/**
 * The API Gateway HTTP API of CONTRACT §4 on the `$default` stage, with JSON access logs and throttling; each
 * route a Lambda proxy integration (payload format 2.0).
 */
export class ReelHireHttpApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogGroup: LogGroup;
  /** Keyed by route key (`GET /health`). */
  public readonly routes: ReadonlyMap<string, HttpRoute>;
  private readonly routeMap = new Map<string, HttpRoute>();
  private readonly integrations = new Map<string, HttpLambdaIntegration>();

  constructor(scope: Construct, id: string, props: ReelHireHttpApiProps) {
    super(scope, id);
    this.routes = this.routeMap;
    this.api = new HttpApi(this, 'Api', { apiName: props.apiName, createDefaultStage: false });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.accessLogRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 500, burstLimit: props.burstLimit ?? 1000 },
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
    }
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
