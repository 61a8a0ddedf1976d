import { describe, expect, it } from 'vitest';
import {
  InvalidScheduleExpressionError,
  parseScheduleExpression,
} from '../../local/eventbridge/schedule-expression.ts';

const at = (iso: string) => Date.parse(iso);
const next = (expression: string, from: string) =>
  new Date(parseScheduleExpression(expression).nextAfter(at(from))).toISOString();

describe('schedule expressions', () => {
  it('fires a rate a period after the previous firing', () => {
    expect(next('rate(1 minute)', '2026-11-28T10:00:30.000Z')).toBe('2026-11-28T10:01:30.000Z');
    expect(next('rate(5 minutes)', '2026-11-28T10:00:00.000Z')).toBe('2026-11-28T10:05:00.000Z');
    expect(next('rate(2 hours)', '2026-11-28T10:00:00.000Z')).toBe('2026-11-28T12:00:00.000Z');
    expect(next('rate(1 day)', '2026-11-28T10:00:00.000Z')).toBe('2026-11-29T10:00:00.000Z');
  });

  it('refuses malformed rates as EventBridge does', () => {
    for (const expression of [
      'rate(0 minutes)',
      'rate(1 minutes)',
      'rate(5 minute)',
      'rate(5 weeks)',
      'every 5 minutes',
    ]) {
      expect(() => parseScheduleExpression(expression), expression).toThrow(InvalidScheduleExpressionError);
    }
  });

  it('walks cron fields in UTC: lists, ranges, steps and names', () => {
    expect(next('cron(0/15 * * * ? *)', '2026-11-28T10:07:00.000Z')).toBe('2026-11-28T10:15:00.000Z');
    expect(next('cron(0 12 * * ? *)', '2026-11-28T12:00:00.000Z')).toBe('2026-11-29T12:00:00.000Z');
    expect(next('cron(30 8 ? * MON-FRI *)', '2026-11-28T09:00:00.000Z')).toBe('2026-11-30T08:30:00.000Z');
    expect(next('cron(0 0 1 JAN,JUL ? *)', '2026-11-28T00:00:00.000Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('cron(0 9 ? * 2 2027)', '2026-11-28T00:00:00.000Z')).toBe('2027-01-04T09:00:00.000Z');
  });

  it('understands L, W and # in the day fields', () => {
    expect(next('cron(0 0 L * ? *)', '2026-02-01T00:00:00.000Z')).toBe('2026-02-28T00:00:00.000Z');
    // 2026-11-01 is a Sunday: the nearest weekday is Monday the 2nd.
    expect(next('cron(0 0 1W * ? *)', '2026-10-31T00:00:00.000Z')).toBe('2026-11-02T00:00:00.000Z');
    // The third Friday of December 2026 is the 18th.
    expect(next('cron(0 0 ? * 6#3 *)', '2026-12-01T00:00:00.000Z')).toBe('2026-12-18T00:00:00.000Z');
    // The last Friday of November 2026 is the 27th.
    expect(next('cron(0 0 ? * 6L *)', '2026-11-01T00:00:00.000Z')).toBe('2026-11-27T00:00:00.000Z');
  });

  it('requires exactly one of day-of-month and day-of-week to be ?', () => {
    expect(() => parseScheduleExpression('cron(0 0 * * * *)')).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression('cron(0 0 ? * ? *)')).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression('cron(0 25 * * ? *)')).toThrow(InvalidScheduleExpressionError);
    expect(() => parseScheduleExpression('cron(0 0 * * ?)')).toThrow(InvalidScheduleExpressionError);
  });
});
