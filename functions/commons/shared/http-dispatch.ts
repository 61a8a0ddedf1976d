import type { Context } from 'aws-lambda';
import { type HttpRequest, type HttpResponse, problem, rawBody, tooLarge } from './http.ts';
import { logger } from './observability.ts';

/** One route's handler: the request, with its path parameters, in; the response out. */
export type RouteHandler = (request: HttpRequest, context?: Context) => Promise<HttpResponse>;

/**
 * A function's routes keyed by their API Gateway route keys (`GET /links/{platform}/{videoId}`): each feature
 * lists its route keys once (lib/routing.ts builds HTTP_ROUTES from those lists) and types its handlers with
 * them, so a route without a handler, or a handler without a route, does not compile.
 */
export type Routes<RouteKey extends string> = Readonly<Record<RouteKey, RouteHandler>>;

/** A route that reads the body: one over MAX_BODY_BYTES is refused (413) before anything else is looked at. */
export const withBody =
  (handle: (request: HttpRequest, body: Buffer, context?: Context) => Promise<HttpResponse>): RouteHandler =>
  async (request, context) => {
    const body = rawBody(request);
    return tooLarge(body) ?? handle(request, body, context);
  };

type PathParameters = Record<string, string>;

/** The path parameters of `path` under `template` (`/links/{platform}/{videoId}`), or undefined if it does not fit. */
const parametersOf = (template: string, path: string): PathParameters | undefined => {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const parameters: PathParameters = {};
  for (const [index, part] of expected.entries()) {
    const segment = actual[index] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (segment !== part) return undefined;
      continue;
    }
    if (segment === '') return undefined;
    try {
      parameters[name] = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return parameters;
};

/** `<METHOD> <path>` as API Gateway writes a route key, from the request itself. */
const requestLine = (request: HttpRequest): string =>
  `${request.requestContext?.http?.method?.toUpperCase() ?? ''} ${request.rawPath ?? ''}`;

/**
 * The one HTTP dispatch of every HTTP function. Behind an API Gateway route the route key names the handler
 * (and API Gateway has decoded the path parameters); behind its `$default` catch-all route, or a front that
 * gives no route key, the method and path are matched against the route keys. Anything else is 404.
 */
export const dispatchHttp = <RouteKey extends string>(routes: Routes<RouteKey>) => {
  const handlers = new Map<string, RouteHandler>(Object.entries<RouteHandler>(routes));
  return async (request: HttpRequest, context?: Context): Promise<HttpResponse> => {
    const routeKey = request.routeKey && request.routeKey !== '$default' ? request.routeKey : undefined;
    if (routeKey !== undefined) {
      const handler = handlers.get(routeKey);
      return handler ? handler(request, context) : problem(404, 'Not Found', `no route ${routeKey}`);
    }
    const line = requestLine(request);
    for (const [key, handler] of handlers) {
      const [method = '', template = ''] = key.split(' ');
      const parameters = line.startsWith(`${method} `)
        ? parametersOf(template, line.slice(method.length + 1))
        : undefined;
      if (parameters === undefined) continue;
      const pathParameters = { ...request.pathParameters, ...parameters };
      return handler(
        Object.keys(pathParameters).length > 0 ? { ...request, pathParameters } : request,
        context,
      );
    }
    return problem(404, 'Not Found', `no route ${line}`);
  };
};

/**
 * An HTTP function's handler that answers ReelHire's own failure (a route that throws: the store or the bus
 * unavailable) with 503 problem+json, which clients retry; the error is logged, the request is not.
 */
export const answeringFailures =
  (api: string, detail: string, handle: (request: HttpRequest) => Promise<HttpResponse>) =>
  async (request: HttpRequest): Promise<HttpResponse> => {
    try {
      return await handle(request);
    } catch (error) {
      logger.error(`${api} failed`, { error: error instanceof Error ? error.message : String(error) });
      return problem(503, 'Service Unavailable', detail);
    }
  };
