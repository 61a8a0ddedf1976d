import { isJsonObject, type JsonObject } from '../../json.ts';
import { invalid } from './invalid-pattern.ts';
import { ipDigits } from './ip-ranges.ts';
import { membersOf, readMatchExpression, type ValueTest } from './match-expressions.ts';
import { isFiniteNumber } from './numeric-terms.ts';
import { checkWildcardComplexity } from './wildcard-complexity.ts';

/**
 * What an EventBridge event pattern means, and whether EventBridge would accept it.
 *
 * The pattern is read into a list of branches (one per `$or` alternative, the "disjunctive normal form" that
 * EventBridge's own engine, aws/event-ruler, builds): each branch is a set of flattened field paths with the
 * tests their values must pass (match-expressions.ts). Every pattern that EventBridge refuses throws
 * `InvalidEventPatternError`, with the reason worded as EventBridge words it, so that a bad rule fails locally as
 * it would at deploy.
 */

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
    // Read again with `$or` as a field name; when that fails too, the reason is the OR reading's.
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
    // With no field before the `$or`, readObject opens the alternative's branch at its first field.
    const forked = before.map((branch) => new Map(branch));
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
      tests.push({
        kind: 'equals',
        value,
        address: digits === undefined ? undefined : { low: digits, high: digits },
      });
    } else if (isFiniteNumber(value) || typeof value === 'boolean' || value === null) {
      tests.push({ kind: 'equals', value });
    } else {
      invalid('Match value must be String, number, true, false, or null');
    }
  }
  if (values.length === 0) invalid('Empty arrays are not allowed');
  return { path, tests, matchesAbsent };
};
