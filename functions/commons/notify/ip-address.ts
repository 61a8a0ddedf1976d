import { isIPv4, isIPv6 } from 'node:net';

/**
 * What kind of address an IP is, for the SSRF guard: only `public` may receive a notification. IPv6 is
 * allowed only inside global unicast (2000::/3, minus its special ranges) and the NAT64 prefix of a public
 * IPv4 address, so anything the lists below forget is refused rather than allowed.
 */
export type AddressCategory =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'carrier-grade NAT'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'unique-local'
  | 'IPv4-mapped'
  | 'reserved'
  | 'invalid';

interface Prefix {
  readonly base: bigint;
  readonly bits: number;
}

interface Range extends Prefix {
  readonly category: AddressCategory;
}

const parseIPv4 = (text: string): bigint | undefined => {
  if (!isIPv4(text)) return undefined;
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
};

/** The 128-bit value of an IPv6 address (zone ids dropped, embedded dotted IPv4 accepted). */
const parseIPv6 = (input: string): bigint | undefined => {
  const zone = input.indexOf('%');
  const text = zone === -1 ? input : input.slice(0, zone);
  if (!isIPv6(text)) return undefined;
  const toGroups = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      const v4 = parseIPv4(group);
      if (v4 !== undefined) return [Number(v4 >> 16n), Number(v4 & 0xffffn)];
      return [Number.parseInt(group, 16)];
    });
  };
  const gap = text.indexOf('::');
  const headGroups = toGroups(gap < 0 ? text : text.slice(0, gap));
  const tailGroups = gap < 0 ? [] : toGroups(text.slice(gap + 2));
  const zeros = new Array<number>(8 - headGroups.length - tailGroups.length).fill(0);
  return [...headGroups, ...zeros, ...tailGroups].reduce(
    (value, group) => (value << 16n) | BigInt(group),
    0n,
  );
};

/** `address/bits`, as the tables below write every block. */
const prefixOf = (cidr: string, parse: (address: string) => bigint | undefined): Prefix => {
  const slash = cidr.indexOf('/');
  return { base: parse(cidr.slice(0, slash))!, bits: Number(cidr.slice(slash + 1)) };
};

const v4 = (cidr: string, category: AddressCategory): Range => ({ ...prefixOf(cidr, parseIPv4), category });
const v6 = (cidr: string, category: AddressCategory): Range => ({ ...prefixOf(cidr, parseIPv6), category });

const within = (value: bigint, prefix: Prefix, width: number): boolean =>
  value >> BigInt(width - prefix.bits) === prefix.base >> BigInt(width - prefix.bits);

/** Most specific first: the metadata address sits inside link-local. */
const IPV4_RANGES: readonly Range[] = [
  v4('169.254.169.254/32', 'metadata'),
  v4('169.254.170.2/32', 'metadata'), // ECS task metadata
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'carrier-grade NAT'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.0.2.0/24', 'reserved'),
  v4('192.88.99.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('198.51.100.0/24', 'reserved'),
  v4('203.0.113.0/24', 'reserved'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: readonly Range[] = [
  v6('fd00:ec2::254/128', 'metadata'),
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('::ffff:0:0/96', 'IPv4-mapped'),
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'link-local'), // deprecated site-local
  v6('ff00::/8', 'multicast'),
  v6('2001::/32', 'reserved'), // Teredo tunnels reach IPv4 hosts behind NAT
  v6('2001:db8::/32', 'reserved'),
  v6('2001:10::/28', 'reserved'),
  v6('2002::/16', 'reserved'), // 6to4 embeds an arbitrary IPv4 address
  v6('3fff::/20', 'reserved'),
];

const NAT64 = prefixOf('64:ff9b::/96', parseIPv6);
const GLOBAL_UNICAST = prefixOf('2000::/3', parseIPv6);

const categoryOfIPv4 = (value: bigint): AddressCategory =>
  IPV4_RANGES.find((range) => within(value, range, 32))?.category ?? 'public';

export const addressCategory = (address: string): AddressCategory => {
  const ipv4 = parseIPv4(address);
  if (ipv4 !== undefined) return categoryOfIPv4(ipv4);
  const ipv6 = parseIPv6(address);
  if (ipv6 === undefined) return 'invalid';
  const listed = IPV6_RANGES.find((range) => within(ipv6, range, 128));
  if (listed) return listed.category;
  // NAT64 (IPv6-only networks with DNS64) is as safe as the IPv4 address it embeds.
  if (within(ipv6, NAT64, 128)) return categoryOfIPv4(ipv6 & 0xffffffffn);
  return within(ipv6, GLOBAL_UNICAST, 128) ? 'public' : 'reserved';
};

export const isLoopbackAddress = (address: string): boolean => addressCategory(address) === 'loopback';
