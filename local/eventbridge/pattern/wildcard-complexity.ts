import { invalid } from './invalid-pattern.ts';
import type { ValueTest } from './match-expressions.ts';
import { utf8, type Wildcard } from './wildcards.ts';

/**
 * EventBridge refuses wildcard patterns whose matching would be too non-deterministic: it counts, for the worst
 * possible value, how many prefixes of the field's wildcard values (each taken with its enclosing quotes, over
 * UTF-8 bytes) match that value at once. Above 10 the rule "is too complex"; 10 is the limit consistent with
 * recorded answers (an 11 is refused, an 8 accepted).
 */
const MAX_WILDCARD_COMPLEXITY = 10;
const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';
/** The token of an unescaped `*`: no byte is 256. */
const STAR = 256;
const QUOTE = 0x22;
// Bounds the subset exploration; a pattern that needs more is refused as too complex rather than hanging.
const MAX_EXPLORED_STATES = 50_000;

interface WildcardProgram {
  /** UTF-8 bytes of `"value"`, with STAR for an unescaped `*`. */
  readonly tokens: readonly number[];
  /** Identifies a prefix for counting: prefixes up to the first star are shared by equal text in one pattern. */
  readonly prefixKeys: readonly string[];
}

/** Names a wildcard value: equal segments, equal text. */
const textOf = (wildcard: Wildcard): string => JSON.stringify(wildcard.segments);

/** Checks the fields of one branch of a pattern. */
export const checkWildcardComplexity = (
  fields: readonly { readonly tests: readonly ValueTest[] }[],
): void => {
  for (const field of fields) {
    // Equal values of one field are one program (a later one replaces its equal).
    const programs = new Map<string, WildcardProgram>();
    field.tests.forEach((test, testIndex) => {
      const texts =
        test.kind === 'wildcard'
          ? [{ wildcard: test.wildcard, owner: `w:${textOf(test.wildcard)}` }]
          : test.kind === 'anything-but-wildcard'
            ? test.wildcards.map((wildcard) => ({ wildcard, owner: `a:${testIndex}` }))
            : [];
      for (const { wildcard, owner } of texts) {
        programs.set(`${owner}\u0000${textOf(wildcard)}`, wildcardProgram(wildcard, owner));
      }
    });
    if (wildcardComplexity([...programs.values()]) > MAX_WILDCARD_COMPLEXITY) invalid(TOO_COMPLEX);
  }
};

const wildcardProgram = (wildcard: Wildcard, owner: string): WildcardProgram => {
  const tokens: number[] = [QUOTE];
  wildcard.segments.forEach((segment, index) => {
    if (index > 0) tokens.push(STAR);
    tokens.push(...utf8.encode(segment));
  });
  tokens.push(QUOTE);
  const firstStar = tokens.indexOf(STAR);
  const prefixKeys = tokens.map((_, index) => {
    const length = index + 1;
    const shared = firstStar === -1 || length <= firstStar + 1;
    return shared
      ? `${owner}|${tokens.slice(0, length).join(',')}`
      : `${owner}#${textOf(wildcard)}#${length}`;
  });
  return { tokens, prefixKeys };
};

/** Positions reachable without reading a byte: a `*` may match nothing. */
const closeOverStars = (tokens: readonly number[], positions: Set<number>): Set<number> => {
  for (const position of positions) {
    if (tokens[position] === STAR) positions.add(position + 1);
  }
  return positions;
};

const wildcardComplexity = (programs: readonly WildcardProgram[]): number => {
  // The bytes the values name. A byte they do not name (and reading a STAR token as one is reading such a byte)
  // leaves only the positions inside a `*`, fewer than any named byte leaves: it never matches more prefixes.
  const alphabet = new Set(programs.flatMap(({ tokens }) => tokens));
  const start = programs.map(({ tokens }) => closeOverStars(tokens, new Set([0])));
  const keyOf = (state: readonly Set<number>[]): string =>
    // Stryker disable next-line StringLiteral,MethodExpression: any separators keep keys apart; sorting only merges equal states
    state.map((set) => [...set].sort().join(',')).join('|');
  // Stryker disable next-line ArrayDeclaration: the start explored twice gives the same answer
  const seen = new Set([keyOf(start)]);
  const pending = [start];
  let worst = 0;
  while (pending.length > 0) {
    const state = pending.pop()!;
    for (const byte of alphabet) {
      const next = state.map((positions, index) => advance(programs[index]!.tokens, positions, byte));
      // Every position in a state is past a byte read (position 0 is only ever the start).
      const matched = new Set(
        next.flatMap((positions, index) =>
          [...positions].map((position) => programs[index]!.prefixKeys[position - 1]),
        ),
      );
      worst = Math.max(worst, matched.size);
      // Stryker disable next-line ConditionalExpression: an early answer; exploring further only raises worst
      if (worst > MAX_WILDCARD_COMPLEXITY) return worst;
      const key = keyOf(next);
      if (seen.has(key)) continue;
      if (seen.size >= MAX_EXPLORED_STATES) return Number.POSITIVE_INFINITY;
      seen.add(key);
      pending.push(next);
    }
  }
  return worst;
};

const advance = (tokens: readonly number[], positions: ReadonlySet<number>, byte: number): Set<number> => {
  const next = new Set<number>();
  for (const position of positions) {
    // Inside a `*`: it matches this byte too.
    if (tokens[position - 1] === STAR) next.add(position);
    if (tokens[position] === byte) next.add(position + 1);
  }
  return closeOverStars(tokens, next);
};
