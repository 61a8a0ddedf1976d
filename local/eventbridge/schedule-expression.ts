/**
 * EventBridge schedule expressions: `rate(5 minutes)` and `cron(Minutes Hours Day-of-month Month Day-of-week
 * Year)` in UTC, with `, - * ? /` and `L`, `W`, `#` as EventBridge defines them. `nextAfter` gives the next
 * instant a rule fires.
 */
export interface Schedule {
  readonly expression: string;
  nextAfter(instant: number): number;
}

export class InvalidScheduleExpressionError extends Error {
  override readonly name = 'InvalidScheduleExpressionError';
}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

type DayTest = (year: number, month: number, day: number) => boolean;

const invalid = (expression: string, why: string) =>
  new InvalidScheduleExpressionError(`Parameter ScheduleExpression is not valid (${expression}): ${why}`);

/** A set of allowed values from `*`, lists, ranges and steps; names (JAN, MON) map to numbers. */
const valueSet = (
  field: string,
  min: number,
  max: number,
  names: readonly string[],
  offset: number,
): Set<number> => {
  const toNumber = (token: string): number => {
    const index = names.indexOf(token.toUpperCase());
    const value = index >= 0 ? index + offset : Number(token);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${token} is out of range`);
    return value;
  };
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in ${part}`);
    let from = min;
    let to = max;
    if (range !== '*' && range !== '?') {
      const [start = '', end] = range.split('-');
      from = toNumber(start);
      to = end === undefined ? (stepText === undefined ? from : max) : toNumber(end);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
};

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const weekday = (year: number, month: number, day: number): number =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay();

const dayOfMonthTest = (field: string): DayTest => {
  if (field === '?') return () => true;
  if (field === 'L') return (year, month, day) => day === daysIn(year, month);
  const nearestWeekday = /^(\d{1,2})W$/.exec(field);
  if (nearestWeekday) {
    const target = Number(nearestWeekday[1]);
    return (year, month, day) => {
      const last = daysIn(year, month);
      let wanted = Math.min(target, last);
      const dow = weekday(year, month, wanted);
      if (dow === 6) wanted = wanted === 1 ? 3 : wanted - 1;
      else if (dow === 0) wanted = wanted === last ? wanted - 2 : wanted + 1;
      return day === wanted;
    };
  }
  const days = valueSet(field, 1, 31, [], 1);
  return (_, __, day) => days.has(day);
};

const dayOfWeekTest = (field: string): DayTest => {
  if (field === '?') return () => true;
  const toDow = (token: string): number => valueSet(token, 1, 7, WEEKDAYS, 1).values().next().value! - 1;
  const nth = /^(\w+)#([1-5])$/.exec(field);
  if (nth) {
    const dow = toDow(nth[1]!);
    const n = Number(nth[2]);
    return (year, month, day) => weekday(year, month, day) === dow && Math.ceil(day / 7) === n;
  }
  const last = /^(\w+)L$/.exec(field);
  if (last) {
    const dow = toDow(last[1]!);
    return (year, month, day) => weekday(year, month, day) === dow && day + 7 > daysIn(year, month);
  }
  if (field === 'L') return (year, month, day) => weekday(year, month, day) === 6;
  const days = new Set([...valueSet(field, 1, 7, WEEKDAYS, 1)].map((value) => value - 1));
  return (year, month, day) => days.has(weekday(year, month, day));
};

const cronSchedule = (expression: string, body: string): Schedule => {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw invalid(expression, 'cron needs six fields');
  const [minuteField, hourField, domField, monthField, dowField, yearField] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((domField === '?') === (dowField === '?')) {
    throw invalid(expression, 'exactly one of day-of-month and day-of-week must be ?');
  }
  let minutes: Set<number>;
  let hours: Set<number>;
  let months: Set<number>;
  let years: Set<number>;
  let dayOfMonth: DayTest;
  let dayOfWeek: DayTest;
  try {
    minutes = valueSet(minuteField, 0, 59, [], 0);
    hours = valueSet(hourField, 0, 23, [], 0);
    months = valueSet(monthField, 1, 12, MONTHS, 1);
    years = valueSet(yearField, 1970, 2199, [], 0);
    dayOfMonth = dayOfMonthTest(domField);
    dayOfWeek = dayOfWeekTest(dowField);
  } catch (error) {
    throw invalid(expression, (error as Error).message);
  }
  return {
    expression,
    nextAfter(instant) {
      // Walk forward by the coarsest unit that does not match; a few thousand steps at most per call.
      const cursor = new Date(Math.floor(instant / 60_000) * 60_000 + 60_000);
      for (let steps = 0; steps < 200_000; steps++) {
        const year = cursor.getUTCFullYear();
        const month = cursor.getUTCMonth() + 1;
        const day = cursor.getUTCDate();
        if (year > 2199) break;
        if (!years.has(year)) {
          cursor.setUTCFullYear(year + 1, 0, 1);
          cursor.setUTCHours(0, 0, 0, 0);
        } else if (!months.has(month)) {
          cursor.setUTCMonth(month, 1);
          cursor.setUTCHours(0, 0, 0, 0);
        } else if (!dayOfMonth(year, month, day) || !dayOfWeek(year, month, day)) {
          cursor.setUTCDate(day + 1);
          cursor.setUTCHours(0, 0, 0, 0);
        } else if (!hours.has(cursor.getUTCHours())) {
          cursor.setUTCHours(cursor.getUTCHours() + 1, 0, 0, 0);
        } else if (!minutes.has(cursor.getUTCMinutes())) {
          cursor.setUTCMinutes(cursor.getUTCMinutes() + 1, 0, 0);
        } else {
          return cursor.getTime();
        }
      }
      return Number.POSITIVE_INFINITY;
    },
  };
};

export const parseScheduleExpression = (expression: string): Schedule => {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!.replace(/s$/, '');
    if (value < 1) throw invalid(expression, 'the rate must be positive');
    if ((value === 1) !== !rate[2]!.endsWith('s'))
      throw invalid(expression, `use "${value === 1 ? unit : `${unit}s`}"`);
    const period = value * UNIT_MS[unit]!;
    // Fires a period after the rule is created, then every period.
    return { expression, nextAfter: (instant) => instant + period };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return cronSchedule(expression, cron[1]!);
  throw invalid(expression, 'expected rate(...) or cron(...)');
};
