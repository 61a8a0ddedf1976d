/**
 * CloudWatch metric math, the part alarms use on single time series, evaluated one period at a time: numbers,
 * query ids, `+ - * /`, parentheses, and SUM, AVG, MIN, MAX (of their arguments) and FILL(series, value). A
 * value that is missing in the period is undefined; arithmetic with a missing value is missing, as CloudWatch
 * leaves a gap there. Anything else is refused when the alarm is read, never evaluated wrongly.
 */
export type PeriodValues = (id: string) => number | undefined;
export type Expression = (values: PeriodValues) => number | undefined;

const FUNCTIONS: Readonly<Record<string, (args: (number | undefined)[]) => number | undefined>> = {
  SUM: (args) => present(args).reduce((sum, value) => sum + value, 0),
  AVG: (args) => {
    const values = present(args);
    return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
  },
  MIN: (args) => (present(args).length === 0 ? undefined : Math.min(...present(args))),
  MAX: (args) => (present(args).length === 0 ? undefined : Math.max(...present(args))),
  FILL: ([value, fill]) => value ?? fill,
};

const present = (values: readonly (number | undefined)[]): number[] =>
  values.filter((value): value is number => value !== undefined);

const arithmetic = (left: Expression, operator: string, right: Expression): Expression => {
  const apply = (a: number, b: number): number | undefined => {
    switch (operator) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      default:
        return b === 0 ? undefined : a / b;
    }
  };
  return (values) => {
    const a = left(values);
    const b = right(values);
    return a === undefined || b === undefined ? undefined : apply(a, b);
  };
};

export const parseExpression = (source: string): Expression => {
  const tokens = source.match(/\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/(),]|\S/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const take = (expected?: string): string => {
    const token = tokens[position++];
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new Error(`metric math "${source}": expected ${expected ?? 'more'} at token ${position}`);
    return token;
  };

  const factor = (): Expression => {
    const token = take();
    if (token === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (token === '-') {
      const negated = factor();
      return (values) => {
        const value = negated(values);
        return value === undefined ? undefined : -value;
      };
    }
    if (/^\d/.test(token)) {
      const number = Number(token);
      return () => number;
    }
    if (peek() === '(') {
      const fn = FUNCTIONS[token.toUpperCase()];
      if (!fn) throw new Error(`metric math "${source}": ${token} is not evaluated locally`);
      take('(');
      const args: Expression[] = [];
      while (peek() !== ')') {
        args.push(sum());
        if (peek() === ',') take(',');
      }
      take(')');
      return (values) => fn(args.map((arg) => arg(values)));
    }
    if (!/^[A-Za-z_]/.test(token)) throw new Error(`metric math "${source}": unexpected ${token}`);
    return (values) => values(token);
  };

  const product = (): Expression => {
    let left = factor();
    while (peek() === '*' || peek() === '/') left = arithmetic(left, take(), factor());
    return left;
  };

  const sum = (): Expression => {
    let left = product();
    while (peek() === '+' || peek() === '-') left = arithmetic(left, take(), product());
    return left;
  };

  const expression = sum();
  if (position !== tokens.length) throw new Error(`metric math "${source}": unexpected ${peek()}`);
  return expression;
};
