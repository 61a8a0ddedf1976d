import type { ActivityLog } from '../activity-log.ts';
import { localHttpApi, type RouteInvoker } from '../apigateway/local-http-api.ts';
import { RouteThrottles, stageThrottlesOf } from '../apigateway/route-throttles.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import type { LocalEventBuses } from '../eventbridge/local-event-bus.ts';
import { handleAwsJson } from '../http/aws-json-endpoint.ts';
import { edgeRequestOf } from '../http/edge-request.ts';
import type { HttpRouteBinding } from '../http/http-routes.ts';
import { hubEndpoint } from '../http/hub-endpoint.ts';
import { LocalHttpServer } from '../http/local-http-server.ts';
import { httpReplyOf } from '../http/payload-v2.ts';
import { functionHttpFailure, localEndpoint } from '../http/runtime-replies.ts';
import type { LocalFunction } from '../lambda/local-function.ts';
import type { QueueRegistry } from '../sqs/queue-registry.ts';
import { httpRoutesOf } from '../template-model.ts';
import type { YouTubeHub } from '../youtube-hub.ts';
import type { DeadLetterQueueView } from './dead-letter-queues.ts';
import { frontDoor } from './front-door.ts';
import type { StackLifecycle } from './lifecycle.ts';

/**
 * The one HTTP server on the API port. It listens before the rest of the stack is built (the port is part of
 * every queue url) and answers 503 until serveHttpApi attaches the handlers.
 */
export const listenHttp = async (lifecycle: StackLifecycle, port: number): Promise<LocalHttpServer> => {
  const http = await LocalHttpServer.listen(port);
  lifecycle.add({ close: () => http.close() });
  return http;
};

export interface HttpApiInput {
  readonly resources: readonly ResolvedResource[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** PutEvents. */
  readonly buses: LocalEventBuses;
  /** The SQS API. */
  readonly queues: QueueRegistry;
  readonly youtubeHub: YouTubeHub;
  readonly activity: ActivityLog;
  readonly deadLetterQueues: DeadLetterQueueView;
  /** The front door's clock (epoch ms): throttle buckets refill by it. */
  readonly clock: () => number;
  readonly warn: (message: string) => void;
}

const pathOf = (url: string | undefined): string => (url ?? '/').split('?')[0]!;

/**
 * Serves the template's HTTP API routes (each invoking its function with an API Gateway payload v2, under the
 * stage's throttles) behind the template's CloudFront distribution when it has one, the AWS JSON endpoints
 * (PutEvents, SQS), the stack's WebSub hub and the runtime's own endpoints.
 * @returns the routes
 */
export const serveHttpApi = (http: LocalHttpServer, input: HttpApiInput): HttpRouteBinding[] => {
  const { functions, buses, queues, youtubeHub, activity } = input;
  const routes = httpRoutesOf(input.resources, input.warn);
  const apiId =
    input.resources.find((resource) => resource.type === 'AWS::ApiGatewayV2::Api')?.identity.ref ?? 'local';
  const invokeRoute: RouteInvoker = async (fn, event) => {
    const result = await fn.invoke(event, 'http');
    return result.ok ? httpReplyOf(result.value) : functionHttpFailure(result);
  };
  const api = localHttpApi({
    routes,
    functions,
    apiId,
    throttles: new RouteThrottles(stageThrottlesOf(input.resources), input.clock),
    invoke: invokeRoute,
  });
  const front = frontDoor({
    resources: input.resources,
    api,
    apiHost: new URL(http.url).host,
    clock: input.clock,
    warn: input.warn,
  });
  http.attach({
    aws: (target, body, signal) => handleAwsJson(target, body, { buses, queues }, signal),
    route: (request, body) => front(edgeRequestOf(request, body)),
    local: (request, body) =>
      hubEndpoint(youtubeHub, request, body) ??
      localEndpoint(pathOf(request.url), {
        activity,
        deadLetterQueues: () => input.deadLetterQueues.contents(),
      }),
  });
  return routes;
};
