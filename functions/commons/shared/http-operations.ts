import * as z from 'zod';
import { MAX_BODY_BYTES, ProblemBody } from './http.ts';

/**
 * What a route takes and answers, declared beside its route key in its feature's `routes.ts` with the same zod
 * schemas its handler validates with: `GET /openapi.json` is generated from these declarations, and a route
 * key exists only as a key of them, so a route cannot be added without its description.
 */

/** A count in an answer (the funnels'): a whole number, never negative. */
export const countBody = z.number().int().min(0);

/** How a caller proves who it is (the OpenAPI security schemes). */
export const SECURITY_SCHEMES = {
  viewerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A JWT Contra issues for the viewer: `sub` = the viewer’s profileId, `aud` = `reelhire`, `exp` at most 24 h ahead (HS256 with VIEWER_TOKEN_SECRET locally, the deploy’s JWKS in the cloud).',
  },
  employerKey: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The employer’s API key (`npx reelhire employer-key <employerId>`); `POST /employer/key/rotate` replaces it at once.',
  },
  tiktokSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'TikTok-Signature',
    description:
      '`t=<unix seconds>,s=<hex>`: HMAC-SHA256 of `<t>.<raw body>` keyed with the app’s client secret; `t` within 300 s of now.',
  },
  youtubeSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Hub-Signature',
    description:
      '`sha1=<hex>` or `sha256=<hex>`: HMAC of the raw body keyed with the hub secret. As WebSub asks, a notification without a valid one is answered 200 and dropped.',
  },
  contraSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description:
      'Standard Webhooks: `v1,<base64>` HMAC-SHA256 of `<webhook-id>.<webhook-timestamp>.<raw body>` keyed with the `whsec_` secret; several space-separated, any valid one accepts.',
  },
} as const;

export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;

/** Bodies by media type (`application/json`, `application/problem+json`, `text/html`…). */
export type Content = Readonly<Record<string, z.ZodType>>;

export interface ResponseSpec {
  readonly description: string;
  /** @default - no body */
  readonly content?: Content;
  /** Response headers that matter to the caller (`location`, `retry-after`). */
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: z.ZodType }>>;
}

export interface OperationSpec {
  readonly summary: string;
  readonly description?: string;
  /** The feature it belongs to: the OpenAPI tag. */
  readonly tag: string;
  /** @default - public */
  readonly security?: SecuritySchemeName;
  /** One property per `{name}` of the route's path. */
  readonly path?: z.ZodObject;
  readonly query?: z.ZodObject;
  /** Request headers besides the security scheme's own. */
  readonly headers?: z.ZodObject;
  readonly requestBody?: {
    readonly required: boolean;
    readonly description?: string;
    readonly content: Content;
  };
  /** By status code. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/** Problem+json answers (ProblemBody), each status with what causes it. */
export const problems = (causes: Readonly<Record<number, string>>): Record<number, ResponseSpec> =>
  Object.fromEntries(
    Object.entries(causes).map(([status, description]) => [
      status,
      { description, content: { 'application/problem+json': ProblemBody } },
    ]),
  );

/** A 429 ReelHire answers itself (its limits, CONTRACT §7): problem+json with `Retry-After` in seconds. */
export const tooManyRequests = (description: string): Record<429, ResponseSpec> => ({
  429: {
    description,
    content: { 'application/problem+json': ProblemBody },
    headers: {
      'retry-after': {
        description: 'seconds until a request would be accepted',
        schema: z.number().int().min(1),
      },
    },
  },
});

/** The 413 of every route that reads a body: checked before anything else. */
const BODY_TOO_LARGE = { 413: `the body is over ${MAX_BODY_BYTES} bytes` } as const;

/** The problem+json answers of a route that reads a body: its 413, then its own causes. */
export const bodyProblems = (causes: Readonly<Record<number, string>>): Record<number, ResponseSpec> =>
  problems({ ...BODY_TOO_LARGE, ...causes });

/** A feature's routes: each route key (`GET /links/{platform}/{videoId}`) with its description. */
export type Operations<RouteKey extends string = string> = Readonly<Record<RouteKey, OperationSpec>>;

/** The route keys of a feature's operations, for lib/routing.ts and to type its handlers. */
export const routeKeysOf = <RouteKey extends string>(operations: Operations<RouteKey>): readonly RouteKey[] =>
  Object.keys(operations) as RouteKey[];

/** A notification ReelHire sends (the OpenAPI `webhooks`): its name, body and what the receiver answers. */
export interface OutgoingWebhookSpec {
  readonly summary: string;
  readonly description: string;
  readonly tag: string;
  /** Headers ReelHire sends with it (the Standard Webhooks signature headers). */
  readonly headers: z.ZodObject;
  readonly body: z.ZodType;
  readonly responses: Readonly<Record<string, { readonly description: string }>>;
}
