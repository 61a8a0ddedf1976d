import { invalid } from './invalid-pattern.ts';

/**
 * IP addresses in patterns: a string that is an address matches the same address however it is written, and
 * `cidr` matches a range of them, both compared as EventBridge's engine compares them.
 */

/**
 * An IP address as EventBridge compares it: its bytes as uppercase hex digits (8 for IPv4, 32 for IPv6).
 */
export type IpDigits = string;

/**
 * An address range as EventBridge's engine matches it: digit by digit against the lowest and highest address
 * (hex digits, both included), deciding at the first digit that falls strictly inside. So an IPv4 block can also
 * match an IPv6 address by its first digits, and a short IPv6 mask an IPv4 address; kept for fidelity.
 */
export interface AddressRange {
  readonly low: IpDigits;
  readonly high: IpDigits;
}

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/**
 * The hex digits of an IP address literal as EventBridge reads one (Java's parser): four decimal parts up to
 * 255 in at most 15 characters, or IPv6 hex groups up to ffff (no dotted part, no zone). An IPv4-mapped IPv6
 * address is its IPv4 address. Anything else is not an address.
 */
export const ipDigits = (text: string): IpDigits | undefined => {
  if (IPV4_SHAPE.test(text)) {
    const parts = text.split('.').map(Number);
    return text.length > 15 || parts.some((part) => part > 255) ? undefined : toHex(parts, 2);
  }
  const groups = IPV6_SHAPE.test(text) ? ipv6Groups(text) : undefined;
  if (groups === undefined) return undefined;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  return mapped ? toHex(groups.slice(6), 4) : toHex(groups, 4);
};

const toHex = (parts: readonly number[], width: number): IpDigits =>
  parts
    .map((part) => part.toString(16).padStart(width, '0'))
    .join('')
    .toUpperCase();

const ipv6Groups = (text: string): number[] | undefined => {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    // IPV6_SHAPE lets only hex digits and colons through; an empty group parses as NaN, refused as a too large one is.
    const groups = part.split(':').map((group) => Number.parseInt(group, 16));
    return groups.every((group) => group <= 0xffff) ? groups : undefined;
  };
  // Stryker disable next-line StringLiteral: split always gives a first part
  const head = groupsOf(halves[0] ?? '');
  const tail = groupsOf(halves[1] ?? '');
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
};

export const parseCidr = (text: string): AddressRange => {
  // Split as Java's String.split does: trailing empty parts are dropped.
  const parts = text.split('/');
  while (parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) return invalid("Malformed CIDR, one '/' required");
  // Stryker disable next-line StringLiteral: two parts, as just checked
  const [addressText = '', maskText = ''] = parts;
  if (!/^[+-]?[0-9]+$/.test(maskText) || Math.abs(Number(maskText)) > 2 ** 31 - 1) {
    return invalid('Malformed CIDR, mask bits must be an integer');
  }
  const maskBits = Number(maskText);
  if (maskBits < 0) return invalid('Malformed CIDR, mask bits must not be negative');
  const shaped = IPV4_SHAPE.test(addressText) || IPV6_SHAPE.test(addressText);
  const digits = ipDigits(addressText);
  if (digits === undefined) {
    return invalid(shaped ? `Invalid IP address: ${addressText}` : `Nonstandard IP address: ${addressText}`);
  }
  // EventBridge refuses a full-length mask (/32, /128): a single address is matched by its plain string instead.
  if (digits.length === 8 && maskBits > 31) return invalid('IPv4 mask bits must be < 32');
  if (maskBits > 127) return invalid('IPv6 mask bits must be < 128');
  const bits = BigInt(digits.length * 4);
  const hostBits = bits - BigInt(maskBits);
  const value = BigInt(`0x${digits}`);
  const lowest = (value >> hostBits) << hostBits;
  const highest = lowest | ((1n << hostBits) - 1n);
  const hex = (address: bigint): string => address.toString(16).padStart(digits.length, '0').toUpperCase();
  return { low: hex(lowest), high: hex(highest) };
};

/**
 * Whether the address lies in the range, its digits compared with the range's edges as EventBridge's engine walks
 * them (see AddressRange): only as many digits as the range has, and an address that runs out of digits while on
 * an edge of the range is outside it (`Z` sorts after every hex digit).
 */
export const inAddressRange = (text: string, { low, high }: AddressRange): boolean => {
  const digits = ipDigits(text)?.slice(0, low.length);
  // Stryker disable next-line ConditionalExpression: no string sorts after undefined either
  return digits !== undefined && low <= digits && digits.padEnd(high.length, 'Z') <= high;
};
