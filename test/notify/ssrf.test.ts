import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressCategory } from '#notify/ip-address.ts';
import {
  checkDestination,
  type ResolvedAddress,
  type Resolver,
  systemResolver,
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
    // Every block of the tables, and the address just below it.
    ['169.254.170.2', 'metadata'],
    ['169.254.169.253', 'link-local'],
    ['192.0.0.9', 'reserved'],
    ['191.255.255.255', 'public'],
    ['192.0.2.1', 'reserved'],
    ['192.0.1.255', 'public'],
    ['192.88.99.1', 'reserved'],
    ['192.88.98.255', 'public'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.17.255.255', 'public'],
    ['198.51.100.7', 'reserved'],
    ['198.51.99.255', 'public'],
    ['203.0.113.9', 'reserved'],
    ['203.0.112.255', 'public'],
    ['100.63.255.255', 'public'],
    ['172.15.255.255', 'public'],
    ['9.255.255.255', 'public'],
    ['126.255.255.255', 'public'],
    ['223.255.255.255', 'public'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['fec0::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fe7f:ffff::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['2001:10::1', 'reserved'],
    ['2001:1f::1', 'reserved'],
    ['2001:20::1', 'public'],
    ['3fff::1', 'reserved'],
    ['3ffe:ffff::1', 'public'],
    ['1fff:ffff::1', 'reserved'],
    ['4000::1', 'reserved'],
    // Fully written, and with an embedded IPv4 address.
    ['2606:4700:4700:0000:0000:0000:0000:1111', 'public'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', 'loopback'],
    ['fe80:0:0:0:0:0:0:1', 'link-local'],
    ['0:0:0:0:0:ffff:7f00:1', 'IPv4-mapped'],
    ['64:ff9b:0:0:0:0:a9fe:a9fe', 'metadata'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2606:4700::1111%eth0', 'public'],
    ['fe80::%eth0', 'link-local'],
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

  it('refuses a host that resolves to nothing, as an ordinary (retryable) error', async () => {
    const error = await checkDestination('https://empty.example/', cloud({ 'empty.example': [] })).catch(
      (caught: unknown) => caught,
    );
    expect(error).not.toBeInstanceOf(UnsafeDestinationError);
    expect((error as Error).message).toBe('empty.example resolved to no address');
  });

  it('says why a url is refused, by an error named for it', async () => {
    const refusal = (url: string, policy: ReturnType<typeof cloud>) =>
      checkDestination(url, policy).catch((caught: unknown) => caught as Error);
    const notUrl = await refusal('not a url', cloud());
    expect(notUrl).toMatchObject({ name: 'UnsafeDestinationError', message: 'notifyUrl is not a URL' });
    expect(await refusal('http://hooks.example/', cloud())).toMatchObject({
      message: 'notifyUrl must be https',
    });
    expect(await refusal('ftp://127.0.0.1:21/', local())).toMatchObject({
      name: 'UnsafeDestinationError',
      message: 'notifyUrl must be https (plain http only on 127.0.0.1 or localhost in local mode)',
    });
  });

  it('takes IP literals without resolving them, with their family, IPv6 without its brackets', async () => {
    const policy = cloud();
    await expect(checkDestination('https://93.184.215.14/', policy)).resolves.toMatchObject({
      hostname: '93.184.215.14',
      addresses: [{ address: '93.184.215.14', family: 4 }],
    });
    await expect(checkDestination('https://[2606:4700:4700::1111]:8443/', policy)).resolves.toMatchObject({
      hostname: '2606:4700:4700::1111',
      addresses: [{ address: '2606:4700:4700::1111', family: 6 }],
    });
    expect(policy.lookups).toEqual([]);
  });

  it('resolves with the system resolver to every address and its family', async () => {
    await expect(systemResolver('localhost')).resolves.toContainEqual({ address: '127.0.0.1', family: 4 });
    await expect(systemResolver('::1')).resolves.toEqual([{ address: '::1', family: 6 }]);
    await expect(
      checkDestination('https://localhost:8443/hook', { local: false, resolve: systemResolver }),
    ).rejects.toThrow('notifyUrl host localhost resolves to 127.0.0.1 (loopback)');
  });

  it('lets a DNS failure through as an ordinary (retryable) error', async () => {
    const error = await checkDestination('https://missing.example/', cloud()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnsafeDestinationError);
  });
});
