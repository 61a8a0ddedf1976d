import { invalid } from './invalid-pattern.ts';

/** Wildcard values (`wildcard`, `anything-but: {wildcard}`), read and matched as EventBridge does. */

/** A wildcard value split at its unescaped `*`: the literal text between them, in order. */
export interface Wildcard {
  readonly segments: readonly string[];
}

export const utf8 = new TextEncoder();
const ASTERISK = 0x2a;
const BACKSLASH = 0x5c;

/**
 * A wildcard value: `*` matches any run of characters, `\*` a literal asterisk, `\\` a backslash. Two `*` in a
 * row and any other escape are refused; positions count UTF-8 bytes after EventBridge's opening quote.
 */
export const parseWildcard = (text: string): Wildcard => {
  const bytes = utf8.encode(text);
  // Stryker disable next-line EqualityOperator: past the end is no asterisk and no backslash
  for (let index = 0; index < bytes.length; index += 1) {
    const position = index + 1;
    if (bytes[index] === ASTERISK && bytes[index + 1] === ASTERISK) {
      invalid(`Consecutive wildcard characters at pos ${position}`);
    }
    if (bytes[index] === BACKSLASH) {
      const next = bytes[index + 1];
      if (next !== ASTERISK && next !== BACKSLASH) invalid(`Invalid escape character at pos ${position}`);
      index += 1;
    }
  }
  const segments: string[] = [];
  let current = '';
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (character === '\\') {
      current += text[index + 1];
      index += 1;
    } else if (character === '*') {
      segments.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  segments.push(current);
  return { segments };
};

/** `*` matches any run: the first and last segments anchor the ends, the others are found leftmost in order. */
export const matchesWildcard = ({ segments }: Wildcard, text: string): boolean => {
  // Stryker disable next-line StringLiteral: a wildcard has at least one segment
  const first = segments[0] ?? '';
  if (segments.length === 1) return text === first;
  // Stryker disable next-line StringLiteral: as above
  const last = segments[segments.length - 1] ?? '';
  const end = text.length - last.length;
  if (end < first.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let position = first.length;
  for (let index = 1; index < segments.length - 1; index += 1) {
    // Stryker disable next-line StringLiteral: index is inside segments
    const segment = segments[index] ?? '';
    const at = text.indexOf(segment, position);
    if (at === -1 || at + segment.length > end) return false;
    position = at + segment.length;
  }
  return true;
};
