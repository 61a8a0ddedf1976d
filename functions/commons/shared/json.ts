/** A JSON object (from a request, an event or a template) before anything is known about its fields. */
export type JsonObject = Record<string, unknown>;

/** A plain object: not an array, not null. */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
