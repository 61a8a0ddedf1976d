import { isJsonObject, type JsonObject } from '../../json.ts';
import { invalid } from './invalid-pattern.ts';
import { type AddressRange, parseCidr } from './ip-ranges.ts';
import { isFiniteNumber, type NumericRange, readNumeric, TOO_MANY_ELEMENTS } from './numeric-terms.ts';
import { parseWildcard, type Wildcard } from './wildcards.ts';

/**
 * The match expressions of a pattern's field (`prefix`, `anything-but`, `numeric`, `exists`, …): each is read
 * into the test a value must pass, or refused with EventBridge's reason.
 */

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
  | NumericRange
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

/** Keys whose value is `undefined` are skipped, as JSON has no such member. */
export const membersOf = (object: JsonObject): [string, unknown][] =>
  Object.entries(object).filter(([, value]) => value !== undefined);

export const fold = (text: string): FoldedText => ({ lower: text.toLowerCase(), upper: text.toUpperCase() });

const onlyOneKey = (object: JsonObject, reason = 'Only one key allowed in match expression'): void => {
  if (membersOf(object).length > 1) invalid(reason);
};

// Each operator checks its operand before the extra keys, the order in which EventBridge's streaming parser
// meets them, so the reason given is the one EventBridge gives.
export const readMatchExpression = (expression: JsonObject): ValueTest | 'absent' => {
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
  // Stryker disable next-line ConditionalExpression: an operator is only read from an object
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
