import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressCategory } from '#notify/ip-address.ts';
import {
  checkDestination,
  type ResolvedAddress,
  type Resolver,
  UnsafeDestinationError,
} from '#notify/ssrf.ts';

/** A DNS that answers from a table and counts its lookups. */
const fakeDns = (table: Record<string, readonly string[]>) => {
  const lookups: string[] = [];
  const resolve: Resolver = async (hostname) => {
    lookups.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, lookups };
};

const cloud = (table: Record<string, readonly string[]> = {}) => ({ local: false, ...fakeDns(table) });
const local = (table: Record<string, readonly string[]> = {}) => ({ local: true, ...fakeDns(table) });

describe('address categories', () => {
  it.each([
    ['93.184.215.14', 'public'],
    ['8.8.8.8', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'metadata'],
    ['169.254.10.10', 'link-local'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fd00:ec2::254', 'metadata'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'IPv4-mapped'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:8.8.8.8', 'IPv4-mapped'],
    ['::127.0.0.1', 'reserved'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::808:808', 'public'],
    ['2002:a00:1::1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['not-an-address', 'invalid'],
  ])('%s is %s', (address, category) => {
    expect(addressCategory(address)).toBe(category);
  });

  const octet = fc.integer({ min: 0, max: 255 });
  it.each([
    ['10.0.0.0/8', fc.tuple(octet, octet, octet).map(([b, c, d]) => `10.${b}.${c}.${d}`)],
    ['127.0.0.0/8', fc.tuple(octet, octet, octet).map(([b, c, d]) => `127.${b}.${c}.${d}`)],
    [
      '172.16.0.0/12',
      fc.tuple(fc.integer({ min: 16, max: 31 }), octet, octet).map(([b, c, d]) => `172.${b}.${c}.${d}`),
    ],
    ['192.168.0.0/16', fc.tuple(octet, octet).map(([c, d]) => `192.168.${c}.${d}`)],
    [
      '100.64.0.0/10',
      fc.tuple(fc.integer({ min: 64, max: 127 }), octet, octet).map(([b, c, d]) => `100.${b}.${c}.${d}`),
    ],
    ['169.254.0.0/16', fc.tuple(octet, octet).map(([c, d]) => `169.254.${c}.${d}`)],
    ['fc00::/7', fc.integer({ min: 0xfc00, max: 0xfdff }).map((group) => `${group.toString(16)}::42`)],
    ['fe80::/10', fc.integer({ min: 0xfe80, max: 0xfebf }).map((group) => `${group.toString(16)}::1`)],
    [
      '::ffff:0:0/96 (any IPv4)',
      fc.tuple(octet, octet, octet, octet).map((parts) => `::ffff:${parts.join('.')}`),
    ],
  ])('no address in %s is public', (_, addresses) => {
    fc.assert(fc.property(addresses, (address) => addressCategory(address) !== 'public'));
  });
});

describe('checkDestination', () => {
  it('accepts https to a host whose every address is public, resolving it once', async () => {
    const policy = cloud({ 'hooks.northwind.example': ['93.184.215.14', '2606:4700:4700::1111'] });
    const destination = await checkDestination('https://hooks.northwind.example/contra?x=1', policy);
    expect(destination.hostname).toBe('hooks.northwind.example');
    expect(destination.addresses.map((answer) => answer.address)).toEqual([
      '93.184.215.14',
      '2606:4700:4700::1111',
    ]);
    expect(policy.lookups).toEqual(['hooks.northwind.example']);
  });

  it.each([
    ['a host resolving to a private address', 'https://evil.example/', { 'evil.example': ['10.0.0.7'] }],
    ['a host resolving to loopback', 'https://evil.example/', { 'evil.example': ['127.0.0.1'] }],
    [
      'a host resolving to the metadata address',
      'https://evil.example/',
      { 'evil.example': ['169.254.169.254'] },
    ],
    ['a host resolving to IPv6 metadata', 'https://evil.example/', { 'evil.example': ['fd00:ec2::254'] }],
    ['a host resolving to ::1', 'https://evil.example/', { 'evil.example': ['::1'] }],
    [
      'a host resolving to IPv4-mapped loopback',
      'https://evil.example/',
      { 'evil.example': ['::ffff:127.0.0.1'] },
    ],
    [
      'a host with one public and one private answer',
      'https://evil.example/',
      { 'evil.example': ['93.184.215.14', '192.168.0.10'] },
    ],
    ['an IPv4 literal in a private range', 'https://10.0.0.1/hook', {}],
    ['a decimal literal of loopback', 'https://2130706433/hook', {}],
    ['a hex literal of loopback', 'https://0x7f.1/hook', {}],
    ['an IPv6 loopback literal', 'https://[::1]/hook', {}],
    ['the metadata literal', 'https://169.254.169.254/latest/meta-data/', {}],
  ])('refuses %s', async (_, url, table) => {
    await expect(checkDestination(url, cloud(table))).rejects.toThrow(UnsafeDestinationError);
  });

  it('names the address and why it was refused, without the path or query', async () => {
    const error = await checkDestination(
      'https://evil.example/hook?token=s3cr3t',
      cloud({ 'evil.example': ['10.0.0.7'] }),
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('notifyUrl host evil.example resolves to 10.0.0.7 (private)');
  });

  it.each([
    [
      'http in the cloud',
      'http://hooks.northwind.example/',
      cloud({ 'hooks.northwind.example': ['93.184.215.14'] }),
    ],
    ['http to loopback in the cloud', 'http://127.0.0.1:8080/', cloud()],
    [
      'http to another host in local mode',
      'http://hooks.northwind.example/',
      local({ 'hooks.northwind.example': ['93.184.215.14'] }),
    ],
    ['a scheme other than http(s)', 'ftp://hooks.northwind.example/', cloud()],
    ['a string that is not a URL', 'not a url', cloud()],
  ])('refuses %s', async (_, url, policy) => {
    await expect(checkDestination(url, policy)).rejects.toThrow(UnsafeDestinationError);
  });

  it('accepts http://127.0.0.1:<port> and http://localhost:<port> in local mode only', async () => {
    await expect(checkDestination('http://127.0.0.1:4567/hook', local())).resolves.toMatchObject({
      addresses: [{ address: '127.0.0.1' }],
    });
    await expect(
      checkDestination('http://localhost:4567/hook', local({ localhost: ['127.0.0.1', '::1'] })),
    ).resolves.toMatchObject({ hostname: 'localhost' });
    await expect(
      checkDestination('http://localhost:4567/hook', cloud({ localhost: ['127.0.0.1'] })),
    ).rejects.toThrow(UnsafeDestinationError);
  });

  it('refuses, even in local mode, a localhost that resolves off the machine', async () => {
    await expect(
      checkDestination('http://localhost:4567/hook', local({ localhost: ['10.0.0.7'] })),
    ).rejects.toThrow(UnsafeDestinationError);
  });

  it('refuses, in local mode too, another host name that resolves to loopback', async () => {
    await expect(
      checkDestination('https://rebind.example/', local({ 'rebind.example': ['127.0.0.1'] })),
    ).rejects.toThrow(UnsafeDestinationError);
  });

  it('lets a DNS failure through as an ordinary (retryable) error', async () => {
    const error = await checkDestination('https://missing.example/', cloud()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnsafeDestinationError);
  });
});
