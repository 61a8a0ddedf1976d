import { performance } from 'node:perf_hooks';
import type { SecretName } from '#shared/secret-names.ts';
import { localHttpApi, type Origin, type RouteInvoker } from '../apigateway/local-http-api.ts';
import { RouteThrottles, stageThrottlesOf } from '../apigateway/route-throttles.ts';
import type { LocalAthena } from '../athena/local-athena.ts';
import { funnelView } from '../console/funnel-view.ts';
import type { LocalEventBuses } from '../eventbridge/local-event-bus.ts';
import type { LocalDeliveryStreams } from '../firehose/local-delivery-streams.ts';
import { handleAwsJson } from '../http/aws-json-endpoint.ts';
import { edgeRequestOf } from '../http/edge-request.ts';
import type { HttpRouteBinding } from '../http/http-routes.ts';
import { hubEndpoint } from '../http/hub-endpoint.ts';
import { LocalHttpServer } from '../http/local-http-server.ts';
import { API_GATEWAY_INTERNAL_ERROR, httpReplyOf } from '../http/payload-v2.ts';
import { functionHttpFailure, localEndpoint } from '../http/runtime-replies.ts';
import { apiToFunction } from '../iam/service-deliveries.ts';
import { invokeEndpoint } from '../invoke/invoke-function.ts';
import type { LocalFunction } from '../lambda/local-function.ts';
import { type FunctionLogs, shortNameOf } from '../logs/function-logs.ts';
import { httpRoutesOf } from '../template-model.ts';
import type { YouTubeHub } from '../youtube-hub.ts';
import type { LocalAlarms } from './alarms.ts';
import type { DeadLetterQueueView } from './dead-letter-queues.ts';
import { frontDoor } from './front-door.ts';
import type { StackLifecycle } from './lifecycle.ts';
import type { StackParts } from './stack-parts.ts';

/**
 * The one HTTP server on the API port. It listens before the rest of the stack is built (the port is part of
 * every queue url) and answers 503 until serveHttpApi attaches the handlers.
 */
export const listenHttp = async (lifecycle: StackLifecycle, port: number): Promise<LocalHttpServer> => {
  const http = await LocalHttpServer.listen(port);
  lifecycle.add({ name: 'HTTP server', close: () => http.close() });
  return http;
};

export interface HttpApiInput
  extends Pick<
    StackParts,
    'resources' | 'functions' | 'queues' | 'activity' | 'iam' | 'metrics' | 'clock' | 'warn'
  > {
  /** PutEvents. */
  readonly buses: LocalEventBuses;
  /** Firehose PutRecord(Batch): the funnel log. */
  readonly firehose: LocalDeliveryStreams;
  /** Athena over the funnel log. */
  readonly athena: LocalAthena;
  readonly youtubeHub: YouTubeHub;
  /** Served at /_local/logs; /_local/invoke answers with an invocation's lines. */
  readonly logs: FunctionLogs;
  /** What a secret signs with: /_local/invoke signs its sample webhooks as the platforms would. */
  readonly secretOf: (name: SecretName) => string;
  readonly deadLetterQueues: DeadLetterQueueView;
  readonly applications: () => Promise<readonly unknown[]>;
  readonly storage: { readonly dynamoEndpoint: string; readonly tableNames: readonly string[] };
  /** Served at /_local/alarms. */
  readonly alarms: LocalAlarms;
}

/**
 * Serves the template's HTTP API routes (each invoking its function with an API Gateway payload v2, under the
 * stage's throttles and the function's resource policy) behind the template's CloudFront distribution when it
 * has one, the AWS JSON endpoints (PutEvents, SQS, Secrets Manager, Firehose, Athena, CloudWatch) behind the IAM guard, the stack's WebSub hub
 * and the runtime's own endpoints.
 * @returns the routes
 */
export const serveHttpApi = (http: LocalHttpServer, input: HttpApiInput): HttpRouteBinding[] => {
  const { functions, buses, queues, youtubeHub, activity, iam } = input;
  const routes = httpRoutesOf(input.resources, input.warn);
  const apiId =
    input.resources.find((resource) => resource.type === 'AWS::ApiGatewayV2::Api')?.identity.ref ?? 'local';
  const stage =
    input.resources.find((resource) => resource.type === 'AWS::ApiGatewayV2::Stage')?.identity.ref ??
    '$default';
  const services = {
    buses,
    queues,
    secrets: iam.secrets,
    firehose: input.firehose,
    athena: input.athena,
    metrics: input.metrics.store,
  };

  /** API Gateway invokes the function if its policy lets this route do so, and answers 500 when it cannot. */
  const invokeRoute: RouteInvoker = async (fn: LocalFunction, event, routeKey) => {
    const [method = '', path = routeKey] = routeKey === '$default' ? ['', routeKey] : routeKey.split(' ');
    const permitted = await iam.authorizeDelivery(
      apiToFunction({ apiId, stage, method, path }, fn.definition.arn),
      `API route ${routeKey} → ${fn.name} (answered 500)`,
    );
    if (!permitted.allowed) return API_GATEWAY_INTERNAL_ERROR;
    const result = await fn.invoke(event, 'http');
    if (result.ok) return httpReplyOf(result.value);
    // A throttled function is API Gateway's 500 too: the integration gave no response.
    return result.outcome === 'throttled' ? API_GATEWAY_INTERNAL_ERROR : functionHttpFailure(result);
  };
  const api = localHttpApi({
    routes,
    functions,
    apiId,
    throttles: new RouteThrottles(stageThrottlesOf(input.resources), input.clock),
    invoke: invokeRoute,
  });
  // The API's own metrics count what it answered, its 429s included.
  const measuredApi: Origin = async (request) => {
    const started = performance.now();
    const reply = await api(request);
    input.metrics.apiReply(apiId, stage, reply.statusCode, performance.now() - started);
    return reply;
  };
  const front = frontDoor({
    resources: input.resources,
    api: measuredApi,
    apiHost: new URL(http.url).host,
    clock: input.clock,
    warn: input.warn,
  });
  http.attach({
    aws: async (request, target, body, signal) =>
      (await iam.guard?.check({
        method: request.method ?? 'POST',
        url: request.url ?? '/',
        headers: request.headers,
        body,
      })) ?? handleAwsJson(target, body, services, signal),
    route: (request, body) => front(edgeRequestOf(request, body)),
    local: (request, body) =>
      hubEndpoint(youtubeHub, request, body) ??
      invokeEndpoint(request, body, {
        functions,
        routes,
        apiUrl: http.url,
        logs: input.logs,
        secretOf: input.secretOf,
      }) ??
      localEndpoint(new URL(request.url ?? '/', http.url), {
        activity,
        logs: input.logs,
        functionNames: () => [...functions.values()].map((fn) => shortNameOf(fn.definition)),
        deadLetterQueues: () => input.deadLetterQueues.contents(),
        applications: input.applications,
        storage: input.storage,
        alarms: () => input.alarms.list(),
        refusals: () => ({ count: iam.refusals.count, recent: iam.refusals.list() }),
        funnel: (query) => funnelView(input.athena, query),
      }),
  });
  return routes;
};
