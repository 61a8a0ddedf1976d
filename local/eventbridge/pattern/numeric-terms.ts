import { invalid } from './invalid-pattern.ts';

/**
 * EventBridge's `numeric` match: `["=", n]` alone, or one lower bound, or one upper bound, or a lower bound
 * followed by an upper bound, with the lower strictly below the upper.
 */

export interface NumericBound {
  readonly value: number;
  readonly inclusive: boolean;
}

export interface NumericRange {
  readonly kind: 'numeric';
  readonly lower?: NumericBound;
  readonly upper?: NumericBound;
}

/** EventBridge gives this reason for extra keys beside `numeric` and `anything-but` too. */
export const TOO_MANY_ELEMENTS = 'Too many elements in numeric expression';

export const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value);

const describeToken = (value: unknown): string => (value === undefined ? ']' : JSON.stringify(value));

export const readNumeric = (terms: readonly unknown[]): NumericRange => {
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

export const inNumericRange = (value: number, { lower, upper }: NumericRange): boolean =>
  (lower === undefined || value > lower.value || (lower.inclusive && value === lower.value)) &&
  (upper === undefined || value < upper.value || (upper.inclusive && value === upper.value));
