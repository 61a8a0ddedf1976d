import * as z from 'zod';
import { type HttpRequest, type HttpResponse, problem } from './http.ts';

/**
 * Pages of a list (CONTRACT §6): `limit` 1–100 (25 by default) and an opaque `cursor`, `nextCursor: null` on the
 * last page. A cursor is a position base64url-encoded; decoding validates it against the list's schema, and
 * the list's partition always comes from the caller, so a forged cursor can only move within the caller's own
 * list. A bad cursor or limit is the caller's mistake: 400 problem+json, never a 500.
 */

export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 100;

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export const encodeCursor = (position: unknown): string =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

export const decodeCursor = <Position>(cursor: string, schema: z.ZodType<Position>): Position => {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('the cursor is not one this list gave');
  }
  const parsed = schema.safeParse(value);
  // Re-encoding must give the cursor back: no padding, no stray characters, nothing but the position.
  if (!parsed.success || encodeCursor(value) !== cursor) {
    throw new InvalidCursorError('the cursor is not one this list gave');
  }
  return parsed.data;
};

/** The query of a list (`?limit=…&cursor=…`), as the lists validate it and `GET /openapi.json` describes it. */
export const PageQuery = z.object({
  limit: z
    .string()
    .regex(/^(?=\d{1,3}$)0*([1-9]\d?|100)$/)
    .optional()
    .describe(`how many items, 1 to ${MAX_PAGE_LIMIT} (default ${DEFAULT_PAGE_LIMIT})`),
  cursor: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .describe('the previous page’s nextCursor; a cursor the list did not give is 400'),
});

/** A page of a list: `nextCursor` null on the last page. */
export const pageBody = <Item extends z.ZodType>(item: Item) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/** A query parameter (API Gateway joins repeated ones with commas, which no valid value here contains). */
export const queryParameter = (request: HttpRequest, name: string): string | undefined =>
  request.queryStringParameters?.[name];

export const badRequest = (detail: string): HttpResponse => problem(400, 'Bad Request', detail);

/** `limit` and `cursor` of a list request, or the 400 that refuses them. */
export const pageRequestOf = (
  request: HttpRequest,
):
  | { readonly ok: true; readonly page: PageRequest }
  | { readonly ok: false; readonly response: HttpResponse } => {
  const limit = PageQuery.shape.limit.safeParse(queryParameter(request, 'limit'));
  if (!limit.success) {
    return { ok: false, response: badRequest(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`) };
  }
  const cursor = PageQuery.shape.cursor.safeParse(queryParameter(request, 'cursor'));
  if (!cursor.success) return { ok: false, response: badRequest('the cursor is not one this list gave') };
  const page = { limit: limit.data === undefined ? DEFAULT_PAGE_LIMIT : Number(limit.data) };
  return { ok: true, page: cursor.data === undefined ? page : { ...page, cursor: cursor.data } };
};

/** A page as the lists answer it. */
export const pageOf = <Item>(items: readonly Item[], nextCursor: string | undefined) => ({
  items,
  nextCursor: nextCursor ?? null,
});
