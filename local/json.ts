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

/**
 * True when the JSON text nests arrays and objects more than `limit` levels deep. Counted on the text, before
 * any parse: V8's JSON.parse takes any depth, but JSON.stringify, String() and every recursive walk of the
 * parsed value overflow the stack somewhere past a few thousand levels.
 */
export const nestedDeeperThan = (text: string, limit: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return false;
};
