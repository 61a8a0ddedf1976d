import { isJsonObject, type JsonObject } from '#shared/json.ts';

/** Field readers for JSON objects; the predicate itself is shared with the functions. */
export { isJsonObject, type JsonObject };

export const stringField = (object: JsonObject, name: string): string | undefined => {
  const value = object[name];
  return typeof value === 'string' ? value : undefined;
};

export const numberField = (object: JsonObject, name: string): number | undefined => {
  const value = object[name];
  if (typeof value === 'number') return value;
  // CloudFormation accepts numbers as strings in many places ("VisibilityTimeout": "360").
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
};

export const objectField = (object: JsonObject, name: string): JsonObject | undefined => {
  const value = object[name];
  return isJsonObject(value) ? value : undefined;
};

/** A property that CloudFormation takes either as an object or as a JSON string (a policy, a pattern…). */
export const jsonObjectOf = (value: unknown): JsonObject | undefined => {
  if (isJsonObject(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};

export const arrayField = (object: JsonObject, name: string): unknown[] => {
  const value = object[name];
  return Array.isArray(value) ? value : [];
};
