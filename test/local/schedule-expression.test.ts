import { describe, expect, it } from 'vitest';
import {
  InvalidScheduleExpressionError,
  parseScheduleExpression,
} from '../../local/eventbridge/schedule-expression.ts';

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, from: string) =>
  new Date(parseScheduleExpression(expression).nextAfter(at(from))).toISOString();

/** Each case: the expression, the instant after which it is asked, the next firing it must name, and why. */
type Firing = readonly [expression: string, from: string, firing: string, why?: string];

describe('schedule expressions', () => {
  it.each<readonly [string, readonly Firing[]]>([
    [
      'fires a rate a period after the previous firing',
      [
        ['rate(1 minute)', '2026-11-28T10:00:30.000Z', '2026-11-28T10:01:30.000Z'],
        ['rate(5 minutes)', '2026-11-28T10:00:00.000Z', '2026-11-28T10:05:00.000Z'],
        ['rate(2 hours)', '2026-11-28T10:00:00.000Z', '2026-11-28T12:00:00.000Z'],
        ['rate(1 day)', '2026-11-28T10:00:00.000Z', '2026-11-29T10:00:00.000Z'],
      ],
    ],
    [
      'walks cron fields in UTC: lists, ranges, steps and names',
      [
        ['cron(0/15 * * * ? *)', '2026-11-28T10:07:00.000Z', '2026-11-28T10:15:00.000Z'],
        ['cron(0 12 * * ? *)', '2026-11-28T12:00:00.000Z', '2026-11-29T12:00:00.000Z'],
        ['cron(30 8 ? * MON-FRI *)', '2026-11-28T09:00:00.000Z', '2026-11-30T08:30:00.000Z'],
        ['cron(0 0 1 JAN,JUL ? *)', '2026-11-28T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
        ['cron(0 9 ? * 2 2027)', '2026-11-28T00:00:00.000Z', '2027-01-04T09:00:00.000Z'],
      ],
    ],
    [
      'understands L, W and # in the day fields',
      [
        [
          'cron(0 0 L * ? *)',
          '2026-02-01T00:00:00.000Z',
          '2026-02-28T00:00:00.000Z',
          'the last day of February 2026',
        ],
        [
          'cron(0 0 1W * ? *)',
          '2026-10-31T00:00:00.000Z',
          '2026-11-02T00:00:00.000Z',
          '2026-11-01 is a Sunday: the nearest weekday is Monday the 2nd',
        ],
        [
          'cron(0 0 ? * 6#3 *)',
          '2026-12-01T00:00:00.000Z',
          '2026-12-18T00:00:00.000Z',
          'the third Friday of December 2026 is the 18th',
        ],
        [
          'cron(0 0 ? * 6L *)',
          '2026-11-01T00:00:00.000Z',
          '2026-11-27T00:00:00.000Z',
          'the last Friday of November 2026 is the 27th',
        ],
      ],
    ],
  ])('%s', (_, firings) => {
    for (const [expression, from, firing, why] of firings) {
      expect(next(expression, from), why ?? expression).toBe(firing);
    }
  });

  it.each<readonly [string, readonly string[]]>([
    [
      'refuses malformed rates as EventBridge does',
      ['rate(0 minutes)', 'rate(1 minutes)', 'rate(5 minute)', 'rate(5 weeks)', 'every 5 minutes'],
    ],
    [
      'requires exactly one of day-of-month and day-of-week to be ?',
      ['cron(0 0 * * * *)', 'cron(0 0 ? * ? *)', 'cron(0 25 * * ? *)', 'cron(0 0 * * ?)'],
    ],
  ])('%s', (_, expressions) => {
    for (const expression of expressions) {
      expect(() => parseScheduleExpression(expression), expression).toThrow(InvalidScheduleExpressionError);
    }
  });
});
