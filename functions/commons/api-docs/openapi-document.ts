import * as z from 'zod';
import { ProblemBody } from '#shared/http.ts';
import {
  type Content,
  type OperationSpec,
  type Operations,
  type OutgoingWebhookSpec,
  type ResponseSpec,
  SECURITY_SCHEMES,
} from '#shared/http-operations.ts';
import { isJsonObject, type JsonObject } from '#shared/json.ts';

/**
 * The OpenAPI 3.1 document of the routes' and notifications' declarations (functions/commons/<feature>/
 * routes.ts): every schema is the zod schema a handler validates or builds with, turned into JSON Schema
 * 2020-12 (OpenAPI 3.1's own dialect) by zod itself. Pure: what to describe comes in, the document goes out.
 */

export interface ApiDescription {
  readonly version: string;
  /** The base url the routes answer on (PUBLIC_BASE_URL). */
  readonly serverUrl: string;
  readonly operations: Operations;
  readonly webhooks: Readonly<Record<string, OutgoingWebhookSpec>>;
}

/** API Gateway's own answer when a route's throttle is exceeded (CONTRACT §4: its body, not a problem). */
const GatewayThrottled = z.object({ message: z.literal('Too Many Requests') });

/** Bodies described once under components.schemas and referenced. */
const COMPONENTS: ReadonlyMap<z.ZodType, string> = new Map<z.ZodType, string>([
  [ProblemBody, 'Problem'],
  [GatewayThrottled, 'GatewayThrottled'],
]);

const jsonSchemaOf = (schema: z.ZodType): JsonObject => {
  // Requests and responses alike as their callers write them: optional fields optional, extra fields allowed.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
};

const schemaOf = (schema: z.ZodType): JsonObject => {
  const name = COMPONENTS.get(schema);
  return name === undefined ? jsonSchemaOf(schema) : { $ref: `#/components/schemas/${name}` };
};

const contentOf = (content: Content): JsonObject =>
  Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema: schemaOf(schema) }]));

/** One parameter per property of `object`, with its description lifted to the parameter. */
const parametersOf = (object: z.ZodObject | undefined, location: 'path' | 'query' | 'header') => {
  if (object === undefined) return [];
  const schema = jsonSchemaOf(object);
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = isJsonObject(property) ? property : {};
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
};

const responseOf = (response: ResponseSpec): JsonObject => ({
  description: response.description,
  ...(response.headers === undefined
    ? {}
    : {
        headers: Object.fromEntries(
          Object.entries(response.headers).map(([name, header]) => [
            name,
            { description: header.description, schema: schemaOf(header.schema) },
          ]),
        ),
      }),
  ...(response.content === undefined ? {} : { content: contentOf(response.content) }),
});

/** Every route may also get API Gateway's throttling 429, beside any 429 of its own. */
const withGatewayThrottling = (responses: OperationSpec['responses']): Record<number, ResponseSpec> => {
  const own = responses[429];
  const throttled = { 'application/json': GatewayThrottled };
  return {
    ...responses,
    429: {
      // Its own Retry-After stays described; API Gateway's throttling sends none.
      ...(own?.headers === undefined ? {} : { headers: own.headers }),
      description: own ? `${own.description}; or API Gateway's throttling` : "API Gateway's throttling",
      content: { ...own?.content, ...throttled },
    },
  };
};

/** `getLinksPlatformVideoId` for `GET /links/{platform}/{videoId}`. */
const operationIdOf = (method: string, path: string): string =>
  [method.toLowerCase(), ...path.split(/[^A-Za-z0-9]+/).filter(Boolean)]
    .map((word, index) => (index === 0 ? word : `${word[0]?.toUpperCase()}${word.slice(1)}`))
    .join('');

const operationOf = (method: string, path: string, spec: OperationSpec): JsonObject => ({
  operationId: operationIdOf(method, path),
  summary: spec.summary,
  ...(spec.description === undefined ? {} : { description: spec.description }),
  tags: [spec.tag],
  // An empty list says "public" explicitly; otherwise the one scheme the handler verifies.
  security: spec.security === undefined ? [] : [{ [spec.security]: [] }],
  parameters: [
    ...parametersOf(spec.path, 'path'),
    ...parametersOf(spec.query, 'query'),
    ...parametersOf(spec.headers, 'header'),
  ],
  ...(spec.requestBody === undefined
    ? {}
    : {
        requestBody: {
          required: spec.requestBody.required,
          ...(spec.requestBody.description === undefined
            ? {}
            : { description: spec.requestBody.description }),
          content: contentOf(spec.requestBody.content),
        },
      }),
  responses: Object.fromEntries(
    Object.entries(withGatewayThrottling(spec.responses)).map(([status, response]) => [
      status,
      responseOf(response),
    ]),
  ),
});

/** `GET /links/{platform}/{videoId}` → `['get', '/links/{platform}/{videoId}']`. */
export const methodAndPathOf = (routeKey: string): [method: string, path: string] => {
  const [method = '', path = ''] = routeKey.split(' ');
  return [method.toLowerCase(), path];
};

const pathsOf = (operations: Operations): JsonObject => {
  const paths: Record<string, JsonObject> = {};
  for (const [routeKey, spec] of Object.entries(operations)) {
    const [method, path] = methodAndPathOf(routeKey);
    paths[path] = { ...paths[path], [method]: operationOf(method, path, spec) };
  }
  return paths;
};

const webhookOf = (name: string, spec: OutgoingWebhookSpec): JsonObject => ({
  post: {
    operationId: operationIdOf('post', name),
    summary: spec.summary,
    description: spec.description,
    tags: [spec.tag],
    parameters: parametersOf(spec.headers, 'header'),
    requestBody: { required: true, content: contentOf({ 'application/json': spec.body }) },
    responses: spec.responses,
  },
});

export const openApiDocument = (description: ApiDescription): JsonObject => {
  const specs = [...Object.values(description.operations), ...Object.values(description.webhooks)];
  return {
    openapi: '3.1.0',
    info: {
      title: 'ReelHire',
      version: description.version,
      summary: 'Portfolio and Apply links on short videos, for Contra profiles and jobs',
      description:
        'Webhooks in (TikTok, YouTube WebSub, Contra), link lookups, the apply flow, and the signed notifications ReelHire sends employers (`webhooks`). Errors ReelHire answers itself are `application/problem+json` (RFC 9457); API Gateway’s own answers (its throttling 429, its 5xx) keep its body. Request bodies over 256 KiB get 413.',
    },
    servers: [{ url: description.serverUrl }],
    tags: [...new Set(specs.map((spec) => spec.tag))].map((name) => ({ name })),
    paths: pathsOf(description.operations),
    webhooks: Object.fromEntries(
      Object.entries(description.webhooks).map(([name, spec]) => [name, webhookOf(name, spec)]),
    ),
    components: {
      schemas: Object.fromEntries([...COMPONENTS].map(([schema, name]) => [name, jsonSchemaOf(schema)])),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
};
