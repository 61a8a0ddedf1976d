/**
 * RFC 3339 timestamps compared as instants (CONTRACT §2), exactly: `Date.parse` keeps only milliseconds, so
 * two timestamps a microsecond apart would tie. An instant key is the count of nanoseconds since
 * 0000-01-01T00:00:00Z as a 22-digit zero-padded decimal string: keys order like the instants they stand for,
 * in JavaScript and in DynamoDB condition expressions alike.
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const NANOS_PER_SECOND = 1_000_000_000n;
const DIGITS = 22;

const daysFromCivil = (year: number, month: number, day: number): number => {
  // Days since 0000-03-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra;
};

/** A shift (62 days) that makes the earliest RFC 3339 instant, 0000-01-01, non-negative. */
const OFFSET_NANOS = 2n * 86_400n * NANOS_PER_SECOND * 31n;

export class InvalidTimestampError extends Error {
  override readonly name = 'InvalidTimestampError';
}

/** The instant key of an RFC 3339 timestamp (throws InvalidTimestampError when it is not one). */
export const instantKey = (timestamp: string): string => {
  const match = RFC3339.exec(timestamp);
  if (!match) throw new InvalidTimestampError(`not an RFC 3339 timestamp: ${timestamp}`);
  const [, year, month, day, hour, minute, second, fraction = '', , sign, offsetHour, offsetMinute] = match;
  const days = daysFromCivil(Number(year), Number(month), Number(day));
  let seconds = BigInt(days) * 86_400n + BigInt(Number(hour) * 3600 + Number(minute) * 60 + Number(second));
  if (sign) {
    const offset = BigInt(Number(offsetHour) * 3600 + Number(offsetMinute) * 60);
    seconds += sign === '+' ? -offset : offset;
  }
  const nanos = seconds * NANOS_PER_SECOND + BigInt(fraction.padEnd(9, '0')) + OFFSET_NANOS;
  return nanos.toString().padStart(DIGITS, '0');
};

/** Whole seconds from one instant key to another, rounded toward zero (negative when `to` is earlier). */
export const wholeSecondsBetween = (fromKey: string, toKey: string): number =>
  Number((BigInt(toKey) - BigInt(fromKey)) / NANOS_PER_SECOND);

/** The instant key of a Date (millisecond precision). */
export const instantKeyOfDate = (date: Date): string => instantKey(date.toISOString());

/** Negative, zero or positive as `a` is before, at or after `b`. */
export const compareInstants = (a: string, b: string): number => {
  const keyA = instantKey(a);
  const keyB = instantKey(b);
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
};
