import { describe, expect, it } from 'vitest';
import {
  apiKeyOf,
  employerIdOfKey,
  isCurrentKey,
  keyRotated,
  newEmployer,
  secretRotated,
  signingGenerations,
} from '#employers/employer.ts';

const HOUR = 3600 * 1000;

describe('employer API keys', () => {
  it('name the employer, and are current only for the stored generation and a current master key', () => {
    const employer = newEmployer('emp_northwind');
    const key = apiKeyOf('master', 'emp_northwind', 0);
    expect(employerIdOfKey(key)).toBe('emp_northwind');
    expect(isCurrentKey(key, employer, ['master'])).toBe(true);
    expect(isCurrentKey(key, employer, ['new-master', 'master'])).toBe(true);
    expect(isCurrentKey(key, employer, ['another'])).toBe(false);
    expect(isCurrentKey(key, keyRotated(employer), ['master'])).toBe(false);
    expect(isCurrentKey(apiKeyOf('master', 'emp_northwind', 1), keyRotated(employer), ['master'])).toBe(true);
    expect(isCurrentKey(apiKeyOf('master', 'emp_other', 0), employer, ['master'])).toBe(false);
  });

  it.each(['', 'Bearer', 'rhk_', 'rhk_.x', `rhk_${'A'.repeat(300)}.${'b'.repeat(43)}`, 'sk_live_123'])(
    'finds no employer in %j',
    (key) => {
      expect(employerIdOfKey(key)).toBeUndefined();
    },
  );
});

describe('signing secret generations', () => {
  it('sign with the current one and every one replaced in the last 24 hours, newest first', () => {
    const start = new Date('2026-11-20T00:00:00Z');
    let employer = newEmployer('emp_a');
    expect(signingGenerations(employer, start)).toEqual([0]);
    employer = secretRotated(employer, start);
    expect(signingGenerations(employer, new Date(start.getTime() + HOUR))).toEqual([1, 0]);
    expect(signingGenerations(employer, new Date(start.getTime() + 24 * HOUR - 1))).toEqual([1, 0]);
    expect(signingGenerations(employer, new Date(start.getTime() + 24 * HOUR))).toEqual([1]);
    employer = secretRotated(employer, new Date(start.getTime() + 30 * HOUR));
    employer = secretRotated(employer, new Date(start.getTime() + 31 * HOUR));
    expect(signingGenerations(employer, new Date(start.getTime() + 32 * HOUR))).toEqual([3, 2, 1]);
    expect(employer.revision).toBe(3);
  });
});
