/**
 * EventBridge event-pattern matching for the local bus: a pattern is validated and compiled once, then the
 * returned matcher is cheap enough to run every rule against every event.
 *
 * Semantics follow EventBridge (whose engine is aws/event-ruler): an event is seen as its leaf values keyed by
 * their `.`-joined path, array elements sharing their array's path; a field matches when one of its leaf values
 * passes one of the field's tests; values of several fields taken from objects inside the same array must come
 * from the same element of that array.
 */
import { isJsonObject } from '#shared/json.ts';
import { inAddressRange } from './ip-ranges.ts';
import type { FoldedText, ValueTest } from './match-expressions.ts';
import { inNumericRange } from './numeric-terms.ts';
import { type FieldRule, parseEventPattern } from './parse.ts';
import { matchesWildcard } from './wildcards.ts';

export type EventMatcher = (event: unknown) => boolean;

/** Throws InvalidEventPatternError for every pattern that EventBridge refuses. */
export const validateEventPattern = (pattern: unknown): void => {
  parseEventPattern(pattern);
};

/** Validates the pattern once and returns a matcher for events (any JSON value; non-objects never match). */
export const compileEventPattern = (pattern: unknown): EventMatcher => {
  const branches = parseEventPattern(pattern).map((branch) =>
    // Stryker disable next-line EqualityOperator: a branch never holds two rules for one path
    [...branch].sort((a, b) => (a.path < b.path ? -1 : 1)).map(compileField),
  );
  const wanted = new Set(branches.flatMap((branch) => branch.map((field) => field.path)));
  const routes = new Set<string>();
  for (const path of wanted) {
    for (let dot = path.indexOf('.'); dot !== -1; dot = path.indexOf('.', dot + 1))
      routes.add(path.slice(0, dot));
    routes.add(path);
  }
  return (event) => {
    // EventBridge events are JSON objects; anything else is no event at all, not one with every field absent.
    if (!isJsonObject(event)) return false;
    const leaves = collectLeaves(event, wanted, routes);
    return branches.some((branch) => matchesBranch(branch, leaves));
  };
};

export const matchesEventPattern = (pattern: unknown, event: unknown): boolean =>
  compileEventPattern(pattern)(event);

type Scalar = string | number | boolean | null;

interface Leaf {
  readonly value: Scalar;
  /** Pairs of (array id, element index) for every array the value sits in, outermost first. */
  readonly arrays: readonly number[];
}

interface CompiledField {
  readonly path: string;
  readonly accepts: (value: Scalar) => boolean;
  readonly matchesAbsent: boolean;
}

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** Walks only the parts of the event on the way to a path the pattern names. */
const collectLeaves = (
  event: Record<string, unknown>,
  wanted: ReadonlySet<string>,
  routes: ReadonlySet<string>,
): Map<string, Leaf[]> => {
  const found = new Map<string, Leaf[]>();
  let nextArrayId = 0;
  const visit = (value: unknown, path: string, arrays: readonly number[]): void => {
    if (Array.isArray(value)) {
      const arrayId = nextArrayId;
      // Stryker disable next-line AssignmentOperator: the ids only have to differ from each other
      nextArrayId += 1;
      value.forEach((element, index) => {
        visit(element, path, [...arrays, arrayId, index]);
      });
    } else if (isJsonObject(value)) {
      for (const key in value) {
        const childPath = path === '' ? key : `${path}.${key}`;
        // Stryker disable next-line ConditionalExpression: pruning only, the rest of the event holds no wanted path
        if (routes.has(childPath)) visit(value[key], childPath, arrays);
      }
    } else if (isScalar(value) && wanted.has(path)) {
      const leaves = found.get(path) ?? [];
      leaves.push({ value, arrays });
      found.set(path, leaves);
    }
  };
  visit(event, '', []);
  return found;
};

const NO_LEAVES: readonly Leaf[] = [];

const matchesBranch = (fields: readonly CompiledField[], found: ReadonlyMap<string, Leaf[]>): boolean =>
  // Stryker disable next-line MethodExpression,ConditionalExpression: pruning only, the search gives the same answer
  fields.every(
    (field) =>
      // Stryker disable next-line ConditionalExpression: as above
      field.matchesAbsent || (found.get(field.path) ?? NO_LEAVES).some((leaf) => field.accepts(leaf.value)),
  ) && matchesConsistently(fields, found);

const sameElements = (a: readonly number[], b: readonly number[]): boolean => {
  // Stryker disable next-line EqualityOperator: past the end both sides are undefined, which never differ
  for (let i = 0; i < a.length; i += 2) {
    // Stryker disable next-line EqualityOperator: as above
    for (let j = 0; j < b.length; j += 2) {
      if (a[i] === b[j] && a[i + 1] !== b[j + 1]) return false;
    }
  }
  return true;
};

/**
 * Looks for one leaf per field, all from the same elements of any array they share. Fields are taken in path
 * order and a field may be absent when none of its leaves fits the leaves chosen before it, as EventBridge does.
 */
const matchesConsistently = (
  fields: readonly CompiledField[],
  found: ReadonlyMap<string, Leaf[]>,
): boolean => {
  const chosen: Leaf[] = [];
  const fits = (leaf: Leaf): boolean => chosen.every((other) => sameElements(other.arrays, leaf.arrays));
  const search = (index: number): boolean => {
    const field = fields[index];
    if (field === undefined) return true;
    const present = found.get(field.path) ?? NO_LEAVES;
    for (const leaf of present) {
      if (!field.accepts(leaf.value) || !fits(leaf)) continue;
      chosen.push(leaf);
      if (search(index + 1)) return true;
      chosen.pop();
    }
    return field.matchesAbsent && !present.some(fits) && search(index + 1);
  };
  return search(0);
};

const compileField = (field: FieldRule): CompiledField => {
  const tests = field.tests.map(compileTest);
  const accepts = (value: Scalar): boolean => tests.some((test) => test(value));
  return { path: field.path, accepts, matchesAbsent: field.matchesAbsent };
};

const startsWithIgnoringCase = (text: string, prefix: FoldedText): boolean =>
  text.toLowerCase().startsWith(prefix.lower) || text.toUpperCase().startsWith(prefix.upper);

const endsWithIgnoringCase = (text: string, suffix: FoldedText): boolean =>
  text.toLowerCase().endsWith(suffix.lower) || text.toUpperCase().endsWith(suffix.upper);

const equalsIgnoringCase = (text: string, other: FoldedText): boolean =>
  text.toLowerCase() === other.lower || text.toUpperCase() === other.upper;

const compileTest = (test: ValueTest): ((value: Scalar) => boolean) => {
  switch (test.kind) {
    case 'equals': {
      const { value: expected, address } = test;
      // A string that is an IP address matches the same address however it is written.
      if (address !== undefined) {
        // Stryker disable next-line ConditionalExpression: no number, boolean or null has the shape of an address
        return (value) => typeof value === 'string' && inAddressRange(value, address);
      }
      return (value) => value === expected;
    }
    case 'prefix':
      return (value) => typeof value === 'string' && value.startsWith(test.value);
    case 'prefix-ignore-case':
      return (value) => typeof value === 'string' && startsWithIgnoringCase(value, test.value);
    case 'suffix':
      return (value) => typeof value === 'string' && value.endsWith(test.value);
    case 'suffix-ignore-case':
      return (value) => typeof value === 'string' && endsWithIgnoringCase(value, test.value);
    case 'equals-ignore-case':
      return (value) => typeof value === 'string' && equalsIgnoringCase(value, test.value);
    case 'wildcard':
      return (value) => typeof value === 'string' && matchesWildcard(test.wildcard, value);
    case 'numeric':
      return (value) => typeof value === 'number' && inNumericRange(value, test);
    case 'cidr':
      // Stryker disable next-line ConditionalExpression: no number, boolean or null has the shape of an address
      return (value) => typeof value === 'string' && inAddressRange(value, test.range);
    case 'exists':
      return () => true;
    // Anything-but accepts every present value that is not excluded, including null, booleans and values of
    // the other type (a string is never one of the excluded numbers); a missing field is never accepted.
    case 'anything-but':
      return (value) =>
        typeof value === 'string'
          ? !test.strings.has(value)
          : // Stryker disable next-line ConditionalExpression: no boolean or null is one of the excluded numbers
            typeof value === 'number'
            ? !test.numbers.has(value)
            : true;
    case 'anything-but-prefix':
      return (value) => typeof value !== 'string' || !test.values.some((prefix) => value.startsWith(prefix));
    case 'anything-but-suffix':
      return (value) => typeof value !== 'string' || !test.values.some((suffix) => value.endsWith(suffix));
    case 'anything-but-ignore-case':
      return (value) =>
        typeof value !== 'string' || !test.values.some((text) => equalsIgnoringCase(value, text));
    case 'anything-but-wildcard':
      return (value) =>
        typeof value !== 'string' || !test.wildcards.some((wildcard) => matchesWildcard(wildcard, value));
  }
};
