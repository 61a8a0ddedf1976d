import { createHmac, timingSafeEqual } from 'node:crypto';

/** A timestamp more than this far from now, either way, is refused (CONTRACT §4). */
const TIMESTAMP_TOLERANCE_SECONDS = 300;

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const hmac = (
  algorithm: HmacAlgorithm,
  key: string | Buffer,
  ...parts: (string | Buffer)[]
): Buffer => {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/**
 * True when any provided signature equals any expected one. Every pair is compared in constant time and
 * the loop never stops early, so the time taken says nothing about which secret or which byte matched.
 * Lengths are public (every digest of one algorithm has the same length), so a length mismatch is a plain no.
 */
export const anySignatureMatches = (expected: readonly Buffer[], provided: readonly Buffer[]): boolean => {
  let matched = false;
  for (const candidate of provided) {
    for (const signature of expected) {
      const equal = candidate.length === signature.length && timingSafeEqual(candidate, signature);
      matched = equal || matched;
    }
  }
  return matched;
};

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Hex digits as bytes, or undefined when they are not hex of the expected length. */
export const hexBytes = (value: string, byteLength: number): Buffer | undefined =>
  value.length === byteLength * 2 && HEX.test(value) ? Buffer.from(value, 'hex') : undefined;

/** Base64 as bytes, or undefined when it is not base64 (Buffer.from would silently skip bad characters). */
export const base64Bytes = (value: string): Buffer | undefined =>
  value.length % 4 === 0 && BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;

/**
 * Unix seconds as written in a header: digits only, nothing a Number() would also accept (`1e9`, ` 12`). The
 * signature is computed over the digits as sent (`text`), never over the parsed number written back: else
 * `t=0123` would verify with the signature of `t=123`.
 */
export const parseUnixSeconds = (
  value: string | undefined,
): { readonly text: string; readonly seconds: number } | undefined => {
  // Stryker disable next-line StringLiteral: equivalent, any text without digits reads as no timestamp
  const text = value ?? '';
  return /^\d{1,12}$/.test(text) ? { text, seconds: Number(text) } : undefined;
};

const isWithinTolerance = (unixSeconds: number, now: Date): boolean =>
  Math.abs(now.getTime() / 1000 - unixSeconds) <= TIMESTAMP_TOLERANCE_SECONDS;

/**
 * Why a signed timestamp is refused (more than the tolerance away from now, either way), or undefined. Checked
 * after the signature, so that an unsigned request learns nothing about the clock.
 */
export const staleTimestamp = (what: string, unixSeconds: number, now: Date): string | undefined =>
  isWithinTolerance(unixSeconds, now)
    ? undefined
    : `${what} is more than ${TIMESTAMP_TOLERANCE_SECONDS} s away from now`;
