import type { HttpRequest } from '#shared/http.ts';
import type { EdgeRequest } from '../http/edge-request.ts';
import { compileRoutes, type HttpRouteBinding } from '../http/http-routes.ts';
import { problemReply } from '../http/local-http-server.ts';
import { type HttpReply, httpApiEvent, newRequestId } from '../http/payload-v2.ts';
import type { LocalFunction } from '../lambda/local-function.ts';
import { type RouteThrottles, TOO_MANY_REQUESTS } from './route-throttles.ts';

/** What answers a request behind the front door: the HTTP API here, a distribution's origin. */
export type Origin = (request: EdgeRequest) => Promise<HttpReply>;

/** The integration: invokes a route's function with its event and maps the result (or failure) back. */
export type RouteInvoker = (fn: LocalFunction, event: HttpRequest, routeKey: string) => Promise<HttpReply>;

export interface LocalHttpApiInput {
  readonly routes: readonly HttpRouteBinding[];
  readonly functions: ReadonlyMap<string, LocalFunction>;
  readonly apiId: string;
  readonly throttles: RouteThrottles;
  readonly invoke: RouteInvoker;
}

/**
 * The HTTP API as API Gateway runs it: the route is selected, its throttle (and the account's) admits the
 * request or answers 429 itself, then the route's integration invokes its function with a payload 2.0 event.
 * Every answer carries the request id API Gateway gives it.
 */
export const localHttpApi = ({ routes, functions, apiId, throttles, invoke }: LocalHttpApiInput): Origin => {
  const matchRoute = compileRoutes(routes);
  return async (request) => {
    const match = matchRoute(request.method, request.path);
    const fn = match ? functions.get(match.route.functionName) : undefined;
    if (!match || !fn) {
      return problemReply(404, 'Not Found', `no route for ${request.method} ${request.path}`);
    }
    const requestId = newRequestId();
    const withRequestId = (reply: HttpReply): HttpReply => ({
      ...reply,
      headers: { ...reply.headers, 'apigw-requestid': requestId },
    });
    if (!throttles.admit(match.route.routeKey)) return withRequestId(TOO_MANY_REQUESTS);
    const event = httpApiEvent({ request, match, apiId, requestId });
    return withRequestId(await invoke(fn, event, match.route.routeKey));
  };
};
