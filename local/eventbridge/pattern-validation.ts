import { isJsonObject, type JsonObject } from '#shared/json.ts';
/**
 * What an EventBridge event pattern means, and whether EventBridge would accept it.
 *
 * The pattern is read into a list of branches (one per `$or` alternative, the "disjunctive normal form" that
 * EventBridge's own engine, aws/event-ruler, builds): each branch is a set of flattened field paths with the
 * tests their values must pass. Every pattern that EventBridge refuses throws `InvalidEventPatternError`, with
 * the reason worded as EventBridge words it, so that a bad rule fails locally as it would at deploy.
 */

/** Thrown for a pattern that EventBridge refuses (PutRule answers `InvalidEventPatternException`). */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';

  constructor(readonly reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
  }
}

/**
 * An IP address as EventBridge compares it: its bytes as uppercase hex digits (8 for IPv4, 32 for IPv6).
 */
export type IpDigits = string;

/**
 * An address range as EventBridge's engine matches it: digit by digit against the lowest and highest address
 * (hex digits, both included), deciding at the first digit that falls strictly inside. So an IPv4 block can also
 * match an IPv6 address by its first digits, and a short IPv6 mask an IPv4 address; kept for fidelity.
 */
export interface AddressRange {
  readonly low: IpDigits;
  readonly high: IpDigits;
}

export interface NumericBound {
  readonly value: number;
  readonly inclusive: boolean;
}

/** A wildcard value split at its unescaped `*`: the literal text between them, in order. */
export interface Wildcard {
  readonly segments: readonly string[];
}

/** Case-insensitive text is kept in both foldings, as EventBridge compares each character with either. */
export interface FoldedText {
  readonly lower: string;
  readonly upper: string;
}

export type ValueTest =
  | {
      readonly kind: 'equals';
      readonly value: string | number | boolean | null;
      readonly address?: AddressRange;
    }
  | { readonly kind: 'prefix'; readonly value: string }
  | { readonly kind: 'prefix-ignore-case'; readonly value: FoldedText }
  | { readonly kind: 'suffix'; readonly value: string }
  | { readonly kind: 'suffix-ignore-case'; readonly value: FoldedText }
  | { readonly kind: 'equals-ignore-case'; readonly value: FoldedText }
  | { readonly kind: 'wildcard'; readonly wildcard: Wildcard }
  | { readonly kind: 'numeric'; readonly lower?: NumericBound; readonly upper?: NumericBound }
  | { readonly kind: 'cidr'; readonly range: AddressRange }
  | { readonly kind: 'exists' }
  | {
      readonly kind: 'anything-but';
      readonly strings: ReadonlySet<string>;
      readonly numbers: ReadonlySet<number>;
    }
  | { readonly kind: 'anything-but-prefix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-suffix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-ignore-case'; readonly values: readonly FoldedText[] }
  | { readonly kind: 'anything-but-wildcard'; readonly wildcards: readonly Wildcard[] };

/** One field of a branch: its value must pass one of `tests`, or, when `matchesAbsent`, the field may be missing. */
export interface FieldRule {
  /** Keys joined with `.`, as EventBridge flattens both patterns and events. */
  readonly path: string;
  readonly tests: readonly ValueTest[];
  readonly matchesAbsent: boolean;
}

export type PatternBranch = readonly FieldRule[];

/**
 * The branches of a pattern, any of which matching means the pattern matches. Throws InvalidEventPatternError.
 *
 * `$or` is an OR only where EventBridge's engine reads it as one (an array of at least two objects); any other
 * `$or` is an ordinary field name, as aws/event-ruler keeps it for backward compatibility.
 */
export const parseEventPattern = (pattern: unknown): readonly PatternBranch[] => {
  let branches: FieldMap[];
  try {
    branches = compileBranches(pattern, true);
  } catch (strictError) {
    if (!(strictError instanceof InvalidEventPatternError) || !mentionsOr(pattern)) throw strictError;
    try {
      branches = compileBranches(pattern, false);
    } catch {
      throw strictError;
    }
  }
  const result = branches.map((branch) => [...branch.values()]);
  for (const branch of result) checkWildcardComplexity(branch);
  return result;
};

type FieldMap = Map<string, FieldRule>;

const OR = '$or';

/** Keys that may not be field names inside `$or`, so that a misplaced operator is not silently a field. */
const RESERVED_INSIDE_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

function invalid(reason: string): never {
  throw new InvalidEventPatternError(reason);
}

/** Keys whose value is `undefined` are skipped, as JSON has no such member. */
const membersOf = (object: JsonObject): [string, unknown][] =>
  Object.entries(object).filter(([, value]) => value !== undefined);

const mentionsOr = (value: unknown): boolean => {
  if (Array.isArray(value)) return value.some(mentionsOr);
  if (!isJsonObject(value)) return false;
  return Object.entries(value).some(([key, member]) => key === OR || mentionsOr(member));
};

const compileBranches = (pattern: unknown, orIsOperator: boolean): FieldMap[] => {
  if (!isJsonObject(pattern)) return invalid('Filter is not an object');
  const branches: FieldMap[] = [];
  readObject(branches, '', pattern, { orIsOperator, insideOr: false });
  return branches;
};

interface ReadContext {
  readonly orIsOperator: boolean;
  readonly insideOr: boolean;
}

const joinPath = (prefix: string, key: string): string => (prefix === '' ? key : `${prefix}.${key}`);

// Fields are written into every branch that exists when they are read, and a later field with the same path
// replaces an earlier one: the same order-sensitive folding as EventBridge's compiler (duplicates: last wins).
const readObject = (branches: FieldMap[], prefix: string, object: JsonObject, context: ReadContext): void => {
  const members = membersOf(object);
  if (members.length === 0) invalid('Empty objects are not allowed');
  for (const [key, value] of members) {
    if (key === OR && context.orIsOperator) {
      readOr(branches, prefix, value, context);
      continue;
    }
    if (context.insideOr && RESERVED_INSIDE_OR.has(key)) {
      invalid(`${key} is Ruler reserved fieldName which cannot be used inside ${OR}.`);
    }
    const path = joinPath(prefix, key);
    if (isJsonObject(value)) {
      readObject(branches, path, value, context);
    } else if (Array.isArray(value)) {
      const rule = readField(path, value);
      if (branches.length === 0) branches.push(new Map());
      for (const branch of branches) branch.set(path, rule);
    } else {
      invalid(`"${key}" must be an object or an array`);
    }
  }
};

const readOr = (branches: FieldMap[], prefix: string, value: unknown, context: ReadContext): void => {
  const before = branches.map((branch) => new Map(branch));
  branches.length = 0;
  if (!Array.isArray(value)) invalid(`It must be an Array followed with ${OR}.`);
  for (const alternative of value) {
    if (!isJsonObject(alternative)) invalid(`Only JSON object is allowed in array of ${OR} relationship.`);
    const forked =
      before.length === 0 ? [new Map<string, FieldRule>()] : before.map((branch) => new Map(branch));
    readObject(forked, prefix, alternative, { ...context, insideOr: true });
    branches.push(...forked);
  }
  if (value.length < 2) invalid(`There must have at least 2 Objects in ${OR} relationship.`);
};

const readField = (path: string, values: readonly unknown[]): FieldRule => {
  const tests: ValueTest[] = [];
  let matchesAbsent = false;
  for (const value of values) {
    if (isJsonObject(value)) {
      const test = readMatchExpression(value);
      if (test === 'absent') matchesAbsent = true;
      else tests.push(test);
    } else if (typeof value === 'string') {
      const digits = ipDigits(value);
      const address = digits === undefined ? undefined : { low: digits, high: digits };
      tests.push(address === undefined ? { kind: 'equals', value } : { kind: 'equals', value, address });
    } else if (
      (typeof value === 'number' && Number.isFinite(value)) ||
      typeof value === 'boolean' ||
      value === null
    ) {
      tests.push({ kind: 'equals', value });
    } else {
      invalid('Match value must be String, number, true, false, or null');
    }
  }
  if (values.length === 0) invalid('Empty arrays are not allowed');
  return { path, tests, matchesAbsent };
};

const fold = (text: string): FoldedText => ({ lower: text.toLowerCase(), upper: text.toUpperCase() });

const onlyOneKey = (object: JsonObject, reason = 'Only one key allowed in match expression'): void => {
  if (membersOf(object).length > 1) invalid(reason);
};

const TOO_MANY_ELEMENTS = 'Too many elements in numeric expression';

// Each operator checks its operand before the extra keys, the order in which EventBridge's streaming parser
// meets them, so the reason given is the one EventBridge gives.
const readMatchExpression = (expression: JsonObject): ValueTest | 'absent' => {
  const [member] = membersOf(expression);
  if (member === undefined) return invalid('Match expression name not found');
  const [operator, operand] = member;
  switch (operator) {
    case 'exactly': {
      if (typeof operand !== 'string') return invalid('exact match pattern must be a string');
      onlyOneKey(expression);
      return { kind: 'equals', value: operand };
    }
    case 'prefix':
    case 'suffix': {
      const test = readAffix(operator, operand);
      onlyOneKey(expression);
      return test;
    }
    case 'equals-ignore-case': {
      if (typeof operand !== 'string') return invalid('equals-ignore-case match pattern must be a string');
      onlyOneKey(expression);
      return { kind: 'equals-ignore-case', value: fold(operand) };
    }
    case 'wildcard': {
      if (typeof operand !== 'string') return invalid('wildcard match pattern must be a string');
      const wildcard = parseWildcard(operand);
      onlyOneKey(expression);
      return { kind: 'wildcard', wildcard };
    }
    case 'numeric': {
      if (!Array.isArray(operand)) return invalid('Value of numeric must be an array.');
      const test = readNumeric(operand);
      onlyOneKey(expression, TOO_MANY_ELEMENTS);
      return test;
    }
    case 'anything-but': {
      const test = readAnythingBut(operand);
      onlyOneKey(expression, TOO_MANY_ELEMENTS);
      return test;
    }
    case 'exists': {
      if (typeof operand !== 'boolean') return invalid('exists match pattern must be either true or false.');
      onlyOneKey(expression);
      return operand ? { kind: 'exists' } : 'absent';
    }
    case 'cidr': {
      // EventBridge's wording for a non-string CIDR really does say "prefix".
      if (typeof operand !== 'string') return invalid('prefix match pattern must be a string');
      const range = parseCidr(operand);
      onlyOneKey(expression);
      return { kind: 'cidr', range };
    }
    default:
      return invalid(`Unrecognized match type ${operator}`);
  }
};

const readAffix = (operator: 'prefix' | 'suffix', operand: unknown): ValueTest => {
  if (isJsonObject(operand)) {
    const [member] = membersOf(operand);
    const label = operator === 'prefix' ? 'Prefix' : 'Suffix';
    if (member === undefined) return invalid(`${label} expression name not found`);
    const [inner, text] = member;
    if (inner !== 'equals-ignore-case') return invalid(`Unsupported ${operator} pattern: ${inner}`);
    if (typeof text !== 'string') return invalid('equals-ignore-case match pattern must be a string');
    onlyOneKey(operand);
    return operator === 'prefix'
      ? { kind: 'prefix-ignore-case', value: fold(text) }
      : { kind: 'suffix-ignore-case', value: fold(text) };
  }
  if (typeof operand !== 'string') return invalid(`${operator} match pattern must be a string`);
  return operator === 'prefix' ? { kind: 'prefix', value: operand } : { kind: 'suffix', value: operand };
};

const ANYTHING_BUT_OPERATORS = ['equals-ignore-case', 'prefix', 'suffix', 'wildcard'] as const;
type AnythingButOperator = (typeof ANYTHING_BUT_OPERATORS)[number];
const isAnythingButOperator = (name: string): name is AnythingButOperator =>
  (ANYTHING_BUT_OPERATORS as readonly string[]).includes(name);

const readAnythingBut = (operand: unknown): ValueTest => {
  let operator: AnythingButOperator | undefined;
  let values = operand;
  if (isJsonObject(operand)) {
    const [member] = membersOf(operand);
    if (member === undefined) return invalid('Anything-But expression name not found');
    const [name, inner] = member;
    if (!isAnythingButOperator(name)) return invalid(`Unsupported anything-but pattern: ${name}`);
    operator = name;
    values = inner;
  }
  if (!Array.isArray(values) && typeof values !== 'string' && !isFiniteNumber(values)) {
    return invalid('Value of anything-but must be an array or single string/number value.');
  }
  const list: readonly unknown[] = Array.isArray(values) ? values : [values];
  if (operator === undefined) return readAnythingButValues(list, Array.isArray(values));
  const texts = list.map((value) => anythingButText(operator, value));
  if (isJsonObject(operand)) onlyOneKey(operand, TOO_MANY_ELEMENTS);
  switch (operator) {
    case 'equals-ignore-case':
      return { kind: 'anything-but-ignore-case', values: texts.map(fold) };
    case 'prefix':
      return { kind: 'anything-but-prefix', values: texts };
    case 'suffix':
      return { kind: 'anything-but-suffix', values: texts };
    case 'wildcard':
      return { kind: 'anything-but-wildcard', wildcards: texts.map(parseWildcard) };
  }
};

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

const anythingButText = (operator: AnythingButOperator, value: unknown): string => {
  if (typeof value !== 'string') {
    if (operator === 'equals-ignore-case') {
      return invalid('Inside anything-but/ignore-case list, number|start|null|boolean is not supported.');
    }
    if (operator === 'wildcard') return invalid('wildcard match pattern must be a string');
    return invalid('prefix/suffix match pattern must be a string');
  }
  if ((operator === 'prefix' || operator === 'suffix') && value === '')
    invalid('Null prefix/suffix not allowed');
  return value;
};

const readAnythingButValues = (values: readonly unknown[], isList: boolean): ValueTest => {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const value of values) {
    if (typeof value === 'string') strings.add(value);
    else if (isFiniteNumber(value)) numbers.add(value);
    else invalid('Inside anything but list, start|null|boolean is not supported.');
  }
  // A list must be all strings or all numbers; a single value is one or the other by construction.
  if (isList && strings.size > 0 === numbers.size > 0) {
    invalid('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  return { kind: 'anything-but', strings, numbers };
};

const describeToken = (value: unknown): string => (value === undefined ? ']' : JSON.stringify(value));

// EventBridge's numeric grammar: ["=", n] alone, or one lower bound, or one upper bound, or a lower bound
// followed by an upper bound, with the lower strictly below the upper.
const readNumeric = (terms: readonly unknown[]): ValueTest => {
  const [operator, first] = terms;
  if (typeof operator !== 'string')
    return invalid(`Invalid member in numeric match: ${describeToken(operator)}`);
  const numberAfter = (label: string, value: unknown): number =>
    isFiniteNumber(value) ? value : invalid(`Value of ${label} must be numeric`);
  switch (operator) {
    case '=': {
      const value = numberAfter('equals', first);
      if (terms.length > 2) invalid(TOO_MANY_ELEMENTS);
      return { kind: 'numeric', lower: { value, inclusive: true }, upper: { value, inclusive: true } };
    }
    case '<':
    case '<=': {
      const value = numberAfter(operator, first);
      if (terms.length > 2) invalid(TOO_MANY_ELEMENTS);
      return { kind: 'numeric', upper: { value, inclusive: operator === '<=' } };
    }
    case '>':
    case '>=': {
      const lower = { value: numberAfter(operator, first), inclusive: operator === '>=' };
      if (terms.length <= 2) return { kind: 'numeric', lower };
      const [, , upperOperator, second] = terms;
      if (typeof upperOperator !== 'string') {
        return invalid(`Bad value in numeric range: ${describeToken(upperOperator)}`);
      }
      if (upperOperator !== '<' && upperOperator !== '<=') {
        return invalid(`Bad numeric range operator: ${upperOperator}`);
      }
      const upper = { value: numberAfter(upperOperator, second), inclusive: upperOperator === '<=' };
      if (terms.length > 4) invalid('Too many terms in numeric range expression');
      if (!(lower.value < upper.value)) invalid('Bottom must be less than top');
      return { kind: 'numeric', lower, upper };
    }
    default:
      return invalid(`Unrecognized numeric range operator: ${operator}`);
  }
};

const utf8 = new TextEncoder();
const ASTERISK = 0x2a;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/**
 * A wildcard value: `*` matches any run of characters, `\*` a literal asterisk, `\\` a backslash. Two `*` in a
 * row and any other escape are refused; positions count UTF-8 bytes after EventBridge's opening quote.
 */
const parseWildcard = (text: string): Wildcard => {
  const bytes = utf8.encode(text);
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

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/**
 * The hex digits of an IP address literal as EventBridge reads one (Java's parser): four decimal parts up to
 * 255 in at most 15 characters, or IPv6 hex groups up to ffff (no dotted part, no zone). An IPv4-mapped IPv6
 * address is its IPv4 address. Anything else is not an address.
 */
export const ipDigits = (text: string): IpDigits | undefined => {
  if (IPV4_SHAPE.test(text)) {
    const parts = text.split('.').map(Number);
    return text.length > 15 || parts.some((part) => part > 255) ? undefined : toHex(parts, 2);
  }
  const groups = IPV6_SHAPE.test(text) ? ipv6Groups(text) : undefined;
  if (groups === undefined) return undefined;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  return mapped ? toHex(groups.slice(6), 4) : toHex(groups, 4);
};

const toHex = (parts: readonly number[], width: number): IpDigits =>
  parts
    .map((part) => part.toString(16).padStart(width, '0'))
    .join('')
    .toUpperCase();

const ipv6Groups = (text: string): number[] | undefined => {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part
      .split(':')
      .map((group) => (/^[0-9a-fA-F]+$/.test(group) ? Number.parseInt(group, 16) : NaN));
    return groups.every((group) => group <= 0xffff) ? groups : undefined;
  };
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
};

const parseCidr = (text: string): AddressRange => {
  // Split as Java's String.split does: trailing empty parts are dropped.
  const parts = text.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) return invalid("Malformed CIDR, one '/' required");
  const [addressText = '', maskText = ''] = parts;
  if (!/^[+-]?[0-9]+$/.test(maskText) || Math.abs(Number(maskText)) > 2 ** 31 - 1) {
    return invalid('Malformed CIDR, mask bits must be an integer');
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) return invalid('Malformed CIDR, mask bits must not be negative');
  const shaped = IPV4_SHAPE.test(addressText) || IPV6_SHAPE.test(addressText);
  const digits = ipDigits(addressText);
  if (digits === undefined) {
    return invalid(shaped ? `Invalid IP address: ${addressText}` : `Nonstandard IP address: ${addressText}`);
  }
  // EventBridge refuses a full-length mask (/32, /128): a single address is matched by its plain string instead.
  if (digits.length === 8 && maskBits > 31) return invalid('IPv4 mask bits must be < 32');
  if (digits.length === 32 && maskBits > 127) return invalid('IPv6 mask bits must be < 128');
  const bits = BigInt(digits.length * 4);
  const hostBits = bits - BigInt(maskBits);
  const value = BigInt(`0x${digits}`);
  const lowest = (value >> hostBits) << hostBits;
  const highest = lowest | ((1n << hostBits) - 1n);
  const hex = (address: bigint): string => address.toString(16).padStart(digits.length, '0').toUpperCase();
  return { low: hex(lowest), high: hex(highest) };
};

/**
 * EventBridge refuses wildcard patterns whose matching would be too non-deterministic: it counts, for the worst
 * possible value, how many prefixes of the field's wildcard values (each taken with its enclosing quotes, over
 * UTF-8 bytes) match that value at once. Above 10 the rule "is too complex"; 10 is the limit consistent with
 * recorded answers (an 11 is refused, an 8 accepted).
 */
const MAX_WILDCARD_COMPLEXITY = 10;
const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character';
const STAR = -1;
// Bounds the subset exploration; a pattern that needs more is refused as too complex rather than hanging.
const MAX_EXPLORED_STATES = 50_000;

interface WildcardProgram {
  /** UTF-8 bytes of `"value"`, with STAR for an unescaped `*`. */
  readonly tokens: readonly number[];
  /** Identifies a prefix for counting: prefixes up to the first star are shared by equal text in one pattern. */
  readonly prefixKeys: readonly string[];
}

const checkWildcardComplexity = (branch: PatternBranch): void => {
  for (const field of branch) {
    const programs = new Map<string, WildcardProgram>();
    field.tests.forEach((test, testIndex) => {
      const texts =
        test.kind === 'wildcard'
          ? [{ wildcard: test.wildcard, owner: `w:${wildcardText(test.wildcard)}` }]
          : test.kind === 'anything-but-wildcard'
            ? test.wildcards.map((wildcard) => ({ wildcard, owner: `a:${testIndex}` }))
            : [];
      for (const { wildcard, owner } of texts) {
        const key = `${owner}\u0000${wildcardText(wildcard)}`;
        if (!programs.has(key)) programs.set(key, wildcardProgram(wildcard, owner));
      }
    });
    if (programs.size > 0 && wildcardComplexity([...programs.values()]) > MAX_WILDCARD_COMPLEXITY) {
      invalid(TOO_COMPLEX);
    }
  }
};

const wildcardText = (wildcard: Wildcard): string =>
  wildcard.segments.map((segment) => segment.replaceAll('\\', '\\\\').replaceAll('*', '\\*')).join('*');

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
      : `${owner}#${wildcardText(wildcard)}#${length}`;
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
  const alphabet = new Set<number>();
  for (const { tokens } of programs) for (const token of tokens) if (token !== STAR) alphabet.add(token);
  // One byte that no pattern names stands for every such byte.
  for (let byte = 0; byte < 256; byte += 1) {
    if (!alphabet.has(byte)) {
      alphabet.add(byte);
      break;
    }
  }
  const start = programs.map(({ tokens }) => closeOverStars(tokens, new Set([0])));
  const keyOf = (state: readonly Set<number>[]): string =>
    state.map((set) => [...set].sort().join(',')).join('|');
  const seen = new Set([keyOf(start)]);
  const pending = [start];
  let worst = 0;
  while (pending.length > 0) {
    const state = pending.pop()!;
    for (const byte of alphabet) {
      const next = state.map((positions, index) => advance(programs[index]!.tokens, positions, byte));
      const matched = new Set<string>();
      next.forEach((positions, index) => {
        for (const position of positions)
          if (position > 0) matched.add(programs[index]!.prefixKeys[position - 1]!);
      });
      if (matched.size === 0) continue;
      worst = Math.max(worst, matched.size);
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
    if (position > 0 && tokens[position - 1] === STAR) next.add(position);
    if (tokens[position] === byte) next.add(position + 1);
  }
  return closeOverStars(tokens, next);
};
