/**
 * JSON from the outside world, parsed so that it cannot hurt the code that reads it: nesting is bounded
 * before the parser runs (a 256 KiB body of `[` is 262,144 levels deep), and the keys that reach an
 * object's prototype chain when copied (`__proto__`, `constructor`, `prototype`) are removed. Removing, not
 * refusing: unknown fields are ignored anyway (CONTRACT §2), and a removed key can pollute nothing.
 */

/** Deeper than any body a platform sends (the Contra Profile Updated detail is 4 levels deep). */
export const MAX_JSON_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type UntrustedJson =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string };

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of objects and arrays in a JSON text, ignoring brackets inside strings. */
const nestingDepth = (text: string, limit: number): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) deepest = depth;
      // Stop counting once over the limit: the answer is already "too deep".
      if (deepest > limit) return deepest;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
};

export const parseUntrustedJson = (text: string, maxDepth = MAX_JSON_DEPTH): UntrustedJson => {
  if (nestingDepth(text, maxDepth) > maxDepth) {
    return { ok: false, reason: `JSON nested deeper than ${maxDepth} levels` };
  }
  try {
    // JSON.parse defines `__proto__` as an own property (no pollution yet); the reviver drops it so that no
    // later spread or merge can turn it into one.
    const value: unknown = JSON.parse(text, (key, nested: unknown) =>
      FORBIDDEN_KEYS.has(key) ? undefined : nested,
    );
    return { ok: true, value };
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
};
