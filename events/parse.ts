import { type DetailOf, EVENTS, type EventName, SOURCE_PREFIX } from './catalog.ts';

/**
 * Raised when an event's detail does not fit its schema. It names every offending field, so the reason
 * kept in the dead-letter queue says what to fix. Never retried: the same bytes would fail again.
 */
export class EventSchemaError extends Error {
  override readonly name = 'EventSchemaError';
  constructor(
    readonly detailType: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(`${detailType}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

const pathOf = (path: readonly PropertyKey[]): string =>
  ['detail', ...path].map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.');

/** Parses a detail with the catalog's schema, or throws an EventSchemaError naming the fields. */
export const parseDetail = <Name extends EventName>(name: Name, detail: unknown): DetailOf<Name> => {
  const definition = EVENTS[name];
  const result = definition.schema.safeParse(detail);
  if (!result.success) {
    throw new EventSchemaError(
      definition.detailType,
      result.error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message })),
    );
  }
  return result.data as DetailOf<Name>;
};

/** True when `source` is one of ReelHire's own (`reelhire.<origin>`). */
export const isReelHireSource = (source: unknown): source is string =>
  typeof source === 'string' && source.startsWith(SOURCE_PREFIX) && source.length > SOURCE_PREFIX.length;
