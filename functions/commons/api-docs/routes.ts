import * as z from 'zod';
import { type Operations, routeKeysOf } from '#shared/http-operations.ts';

/** The API description's own route, listed once with what it answers (lib/routing.ts, and its handler). */

/** The head of the document this route serves: what a client checks before it reads on. */
export const OpenApiDocumentHead = z.object({
  openapi: z.literal('3.1.0'),
  info: z.object({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
  webhooks: z.record(z.string(), z.unknown()),
});

export const API_DOCS = {
  'GET /openapi.json': {
    tag: 'meta',
    summary: 'This document: every public route and the notifications ReelHire sends, OpenAPI 3.1',
    description:
      'Generated from the schemas the handlers validate with; cached by the CDN for a few seconds.',
    responses: {
      200: { description: 'the OpenAPI document', content: { 'application/json': OpenApiDocumentHead } },
    },
  },
} as const satisfies Operations;

export const API_DOCS_ROUTES = routeKeysOf(API_DOCS);
