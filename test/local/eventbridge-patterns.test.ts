import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError } from '../../local/eventbridge/pattern/invalid-pattern.ts';
import {
  compileEventPattern,
  matchesEventPattern,
  validateEventPattern,
} from '../../local/eventbridge/pattern/matcher.ts';

const matches = matchesEventPattern;

/** The reason EventBridge would give for refusing the pattern, or undefined when it accepts it. */
const refusal = (pattern: unknown): string | undefined => {
  try {
    validateEventPattern(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error.reason;
    throw error;
  }
};

describe('exact values', () => {
  it('compares strings exactly, case and whitespace included', () => {
    expect(matches({ source: ['reelhire.tiktok'] }, { source: 'reelhire.tiktok' })).toBe(true);
    expect(matches({ source: ['reelhire.tiktok'] }, { source: 'reelhire.TikTok' })).toBe(false);
    expect(matches({ source: ['reelhire.tiktok'] }, { source: 'reelhire.tiktok ' })).toBe(false);
    expect(matches({ MY_KEY: ['v'] }, { my_key: 'v' })).toBe(false);
  });

  it('matches any of the listed values and requires every listed field', () => {
    const pattern = { source: ['a', 'b'], 'detail-type': ['Video Posted'] };
    expect(matches(pattern, { source: 'b', 'detail-type': 'Video Posted' })).toBe(true);
    expect(matches(pattern, { source: 'c', 'detail-type': 'Video Posted' })).toBe(false);
    expect(matches(pattern, { source: 'a' })).toBe(false);
  });

  it('compares numbers by value and never with strings', () => {
    expect(matches({ n: [300] }, { n: 3.0e2 })).toBe(true);
    expect(matches({ n: [300] }, { n: 300.5 })).toBe(false);
    expect(matches({ n: [300] }, { n: '300' })).toBe(false);
    expect(matches({ n: ['300'] }, { n: 300 })).toBe(false);
  });

  it('matches booleans and null as literals', () => {
    expect(matches({ b: [false] }, { b: false })).toBe(true);
    expect(matches({ b: [false] }, { b: true })).toBe(false);
    expect(matches({ b: [false] }, { b: 'false' })).toBe(false);
    expect(matches({ v: [null] }, { v: null })).toBe(true);
    expect(matches({ v: [null] }, { v: 'null' })).toBe(false);
    expect(matches({ v: [null] }, {})).toBe(false);
    expect(matches({ v: [''] }, { v: '' })).toBe(true);
  });

  it('matches an event array when any element matches, never an empty one', () => {
    expect(matches({ resources: ['arn:b', 'arn:z'] }, { resources: ['arn:a', 'arn:b'] })).toBe(true);
    expect(matches({ resources: ['arn:z'] }, { resources: ['arn:a', 'arn:b'] })).toBe(false);
    expect(matches({ resources: [null] }, { resources: [] })).toBe(false);
  });

  it('follows nesting, and joins keys with dots on both sides', () => {
    const event = { detail: { state: { status: 'running' } } };
    expect(matches({ detail: { state: { status: ['running'] } } }, event)).toBe(true);
    expect(matches({ detail: { 'state.status': ['running'] } }, event)).toBe(true);
    expect(
      matches({ detail: { state: { status: ['running'] } } }, { detail: { 'state.status': 'running' } }),
    ).toBe(true);
    expect(matches({ detail: { state: ['running'] } }, event)).toBe(false);
    expect(matches({ detail: { 'my-key': ['v'] } }, { detail: '{"my-key": "v"}' })).toBe(false);
  });

  it('treats objects inside event arrays as values of the array field', () => {
    const event = {
      detail: { linkedAccounts: [{ platform: 'youtube' }, { platform: 'tiktok', accountId: 'a1' }] },
    };
    expect(matches({ detail: { linkedAccounts: { platform: ['tiktok'] } } }, event)).toBe(true);
    expect(matches({ detail: { linkedAccounts: { platform: ['vimeo'] } } }, event)).toBe(false);
  });

  it('reads a key only at its own path: an empty key is a level of its own', () => {
    expect(matches({ detail: { a: [1] } }, { '': { detail: { a: 1 } } })).toBe(false);
  });

  it('sees a member whose value is undefined as missing, as JSON does', () => {
    expect(matches({ a: [{ exists: true }] }, { a: undefined })).toBe(false);
    expect(matches({ a: [{ exists: false }] }, { a: undefined })).toBe(true);
  });

  it('never matches an event that is not an object', () => {
    const matcher = compileEventPattern({ source: [{ exists: false }] });
    expect(matcher({})).toBe(true);
    expect(matcher(null)).toBe(false);
    expect(matcher('event')).toBe(false);
    expect(matcher([{}])).toBe(false);
  });
});

describe('prefix and suffix', () => {
  it('matches string prefixes only', () => {
    expect(matches({ time: [{ prefix: '2026-01' }] }, { time: '2026-01-02T00:00:00Z' })).toBe(true);
    expect(matches({ time: [{ prefix: '2026-02' }] }, { time: '2026-01-02T00:00:00Z' })).toBe(false);
    expect(matches({ n: [{ prefix: '1' }] }, { n: 12 })).toBe(false);
    expect(matches({ s: [{ prefix: '' }] }, { s: 'anything' })).toBe(true);
    expect(matches({ s: [{ prefix: '' }] }, { s: 1 })).toBe(false);
  });

  it('matches prefixes ignoring case with equals-ignore-case', () => {
    const pattern = { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] };
    expect(matches(pattern, { service: 'eVeNtBridge' })).toBe(true);
    expect(matches(pattern, { service: 'Event' })).toBe(false);
    expect(matches({ service: [{ prefix: 'EventB' }] }, { service: 'eventbridge' })).toBe(false);
  });

  it('matches string suffixes, case-sensitively unless asked', () => {
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'image.png' })).toBe(true);
    expect(matches({ f: [{ suffix: '.PNG' }] }, { f: 'image.png' })).toBe(false);
    expect(matches({ f: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { f: 'image.PnG' })).toBe(true);
    expect(matches({ f: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { f: 'image.jpg' })).toBe(false);
    expect(matches({ f: [{ suffix: '5' }] }, { f: 15 })).toBe(false);
  });
});

describe('exactly', () => {
  it('matches the string exactly, as a plain value does', () => {
    expect(matches({ v: [{ exactly: 'prefix' }] }, { v: 'prefix' })).toBe(true);
    expect(matches({ v: [{ exactly: 'prefix' }] }, { v: 'prefixes' })).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  it('matches whole strings in any case', () => {
    const pattern = { 'detail-type': [{ 'equals-ignore-case': 'video posted' }] };
    expect(matches(pattern, { 'detail-type': 'Video POSTED' })).toBe(true);
    expect(matches(pattern, { 'detail-type': 'Video Posted!' })).toBe(false);
    expect(matches({ v: [{ 'equals-ignore-case': '' }] }, { v: '' })).toBe(true);
    expect(matches({ v: [{ 'equals-ignore-case': '' }] }, { v: 'x' })).toBe(false);
  });

  // Final sigma and the Kelvin sign fold one way only: ς and σ meet in upper case (Σ), K and k in lower case (k).
  it.each<[string, object, string, string]>([
    ['equals-ignore-case', { 'equals-ignore-case': 'ς' }, 'σ', 'σx'],
    ['equals-ignore-case', { 'equals-ignore-case': '\u212a' }, 'k', 'kx'],
    ['prefix', { prefix: { 'equals-ignore-case': 'ς' } }, 'σx', 'xσ'],
    ['prefix', { prefix: { 'equals-ignore-case': '\u212a' } }, 'kx', 'xk'],
    ['suffix', { suffix: { 'equals-ignore-case': 'ς' } }, 'xσ', 'σx'],
    ['suffix', { suffix: { 'equals-ignore-case': '\u212a' } }, 'xk', 'kx'],
  ])('%s compares each text in lower and in upper case: %j', (_, expression, matching, other) => {
    expect(matches({ v: [expression] }, { v: matching })).toBe(true);
    expect(matches({ v: [expression] }, { v: other })).toBe(false);
    for (const value of [1, true, null]) expect(matches({ v: [expression] }, { v: value })).toBe(false);
  });
});

describe('anything-but', () => {
  it('excludes a string or a number, and accepts other types, null included', () => {
    const notInitializing = { state: [{ 'anything-but': 'initializing' }] };
    expect(matches(notInitializing, { state: 'pending' })).toBe(true);
    expect(matches(notInitializing, { state: 'initializing' })).toBe(false);
    expect(matches(notInitializing, { state: null })).toBe(true);
    expect(matches(notInitializing, { state: true })).toBe(true);
    expect(matches({ n: [{ 'anything-but': 123 }] }, { n: 123.0 })).toBe(false);
    expect(matches({ n: [{ 'anything-but': 123 }] }, { n: '123' })).toBe(true);
  });

  it('never matches a missing field, nor an object-valued one', () => {
    expect(matches({ state: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matches({ state: [{ 'anything-but': 'x' }] }, { state: { nested: 'y' } })).toBe(false);
    expect(matches({ state: [{ 'anything-but': { prefix: 'x' } }] }, {})).toBe(false);
  });

  it('excludes every value of a list', () => {
    expect(matches({ s: [{ 'anything-but': ['stopped', 'overloaded'] }] }, { s: 'overloaded' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': ['stopped', 'overloaded'] }] }, { s: 'running' })).toBe(true);
    expect(matches({ n: [{ 'anything-but': [100, 200] }] }, { n: 200 })).toBe(false);
    expect(matches({ n: [{ 'anything-but': [100, 200] }] }, { n: 201 })).toBe(true);
  });

  it('matches an event array when some element is not excluded', () => {
    expect(matches({ s: [{ 'anything-but': 'a' }] }, { s: ['a', 'b'] })).toBe(true);
    expect(matches({ s: [{ 'anything-but': 'a' }] }, { s: ['a', 'a'] })).toBe(false);
  });

  it('excludes prefixes and suffixes, accepting non-strings', () => {
    const notInit = { s: [{ 'anything-but': { prefix: 'init' } }] };
    expect(matches(notInit, { s: 'post-init' })).toBe(true);
    expect(matches(notInit, { s: 'init-done' })).toBe(false);
    expect(matches(notInit, { s: 12 })).toBe(true);
    const notImage = { f: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] };
    expect(matches(notImage, { f: 'a.txt' })).toBe(true);
    expect(matches(notImage, { f: 'a.jpg' })).toBe(false);
  });

  it('excludes values in any case with equals-ignore-case', () => {
    const pattern = { s: [{ 'anything-but': { 'equals-ignore-case': ['stopped', 'Overloaded'] } }] };
    expect(matches(pattern, { s: 'STOPPED' })).toBe(false);
    expect(matches(pattern, { s: 'overloaded' })).toBe(false);
    expect(matches(pattern, { s: 'running' })).toBe(true);
  });

  it('excludes wildcard matches', () => {
    const pattern = { path: [{ 'anything-but': { wildcard: ['*/lib/*', '*.tmp'] } }] };
    expect(matches(pattern, { path: 'src/lib/a.ts' })).toBe(false);
    expect(matches(pattern, { path: 'x.tmp' })).toBe(false);
    expect(matches(pattern, { path: 'src/app/a.ts' })).toBe(true);
    expect(matches({ path: [{ 'anything-but': { wildcard: '' } }] }, { path: '' })).toBe(false);
    expect(matches({ path: [{ 'anything-but': { wildcard: '' } }] }, { path: 'x' })).toBe(true);
  });
});

describe('numeric', () => {
  it('applies each operator with its own boundary', () => {
    const at = (numeric: unknown[], value: unknown): boolean => matches({ n: [{ numeric }] }, { n: value });
    expect([at(['<', 10], 9.99), at(['<', 10], 10)]).toEqual([true, false]);
    expect([at(['<=', 10], 10), at(['<=', 10], 10.01)]).toEqual([true, false]);
    expect([at(['>', 10], 10), at(['>', 10], 10.01)]).toEqual([false, true]);
    expect([at(['>=', 10], 10), at(['>=', 10], 9.99)]).toEqual([true, false]);
    expect([at(['=', 301.8], 3.018e2), at(['=', 301.8], 301.9)]).toEqual([true, false]);
    expect([at(['>', 0, '<', 10], 9.99), at(['>', 0, '<', 10], 10)]).toEqual([true, false]);
    expect([at(['>', 0, '<=', 10], 10), at(['>', 0, '<=', 10], 10.01)]).toEqual([true, false]);
  });

  it('combines a lower and an upper bound', () => {
    const at = (value: unknown): boolean => matches({ n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: value });
    expect([at(0), at(0.5), at(5), at(5.5), at(-1)]).toEqual([false, true, true, false, false]);
  });

  it('only matches JSON numbers', () => {
    expect(matches({ n: [{ numeric: ['>', 100] }] }, { n: '300' })).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 100] }] }, { n: null })).toBe(false);
    expect(matches({ n: [{ numeric: ['>', -5] }] }, { n: -4 })).toBe(true);
  });

  it('agrees with plain comparisons for any bounds and value', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (a, b, value) => {
          fc.pre(a < b);
          const inside = matches({ n: [{ numeric: ['>=', a, '<', b] }] }, { n: value });
          expect(inside).toBe(a <= value && value < b);
        },
      ),
    );
  });
});

describe('exists', () => {
  it('sees leaf values, null included, but not objects or empty arrays', () => {
    const present = { detail: { state: [{ exists: true }] } };
    expect(matches(present, { detail: { state: 'pending' } })).toBe(true);
    expect(matches(present, { detail: { state: null } })).toBe(true);
    expect(matches(present, { detail: { state: { nested: 1 } } })).toBe(false);
    expect(matches(present, { detail: { state: [] } })).toBe(false);
    expect(matches(present, { detail: {} })).toBe(false);
  });

  it('matches a missing field with false, also under a missing parent', () => {
    const absent = { detail: { level1: { level2: [{ exists: false }] } } };
    expect(matches(absent, { detail: { level1: {} } })).toBe(true);
    expect(matches(absent, { detail: {} })).toBe(true);
    expect(matches(absent, { detail: { level1: { level2: 'x' } } })).toBe(false);
    expect(matches(absent, { detail: { level1: { level2: { level3: 'x' } } } })).toBe(true);
  });

  it('is one alternative among the values of a field', () => {
    const pattern = { s: [{ 'anything-but': ['roses'] }, { exists: false }] };
    expect(matches(pattern, {})).toBe(true);
    expect(matches(pattern, { s: 'tulips' })).toBe(true);
    expect(matches(pattern, { s: 'roses' })).toBe(false);
  });
});

describe('cidr', () => {
  it('matches IPv4 addresses inside the block', () => {
    const pattern = { ip: [{ cidr: '10.0.0.0/24' }] };
    expect(matches(pattern, { ip: '10.0.0.255' })).toBe(true);
    expect(matches(pattern, { ip: '10.0.1.0' })).toBe(false);
    expect(matches(pattern, { ip: '10.0.0.256' })).toBe(false);
    expect(matches(pattern, { ip: 'not an ip' })).toBe(false);
    expect(matches(pattern, { ip: 167772161 })).toBe(false);
  });

  it('matches IPv6 addresses however they are written', () => {
    const pattern = { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] };
    expect(matches(pattern, { ip: '2001:0db8:1234:1a00:0000:0000:0000:0001' })).toBe(true);
    expect(matches(pattern, { ip: '2001:DB8:1234:1A00::FFFF' })).toBe(true);
    expect(matches(pattern, { ip: '2001:db8:1234:1a01::' })).toBe(false);
  });

  it.each([
    // Blocks not aligned on a hex digit: the walk decides on the low edge, then on the high edge.
    [
      '10.0.0.64/26',
      ['10.0.0.64', '10.0.0.100', '10.0.0.127', '10.0.0.79'],
      ['10.0.0.63', '10.0.0.128', '10.0.0.0', '11.0.0.64'],
    ],
    [
      '172.16.0.0/12',
      ['172.16.0.0', '172.20.1.1', '172.31.255.255'],
      ['172.15.255.255', '172.32.0.0', '171.16.0.0'],
    ],
    ['10.0.0.0/24', ['10.0.0.0', '10.0.0.255'], ['9.255.255.255', '10.0.1.0']],
    ['192.168.4.0/22', ['192.168.4.0', '192.168.7.255', '192.168.5.17'], ['192.168.3.255', '192.168.8.0']],
    ['0.0.0.0/0', ['0.0.0.0', '255.255.255.255', '93.184.215.14'], []],
    [
      '2001:db8::/33',
      ['2001:db8::1', '2001:db8:7fff:ffff::1', '2001:0db8:0000:0000:0000:0000:0000:0000'],
      ['2001:db8:8000::', '2001:db7:ffff:ffff::', '2001:db9::'],
    ],
    ['fe80::/10', ['fe80::1', 'febf:ffff::', 'FE80:0:0:0:0:0:0:1'], ['fe7f:ffff::', 'fec0::']],
  ])(
    'matches %s from its lowest to its highest address, and nothing just outside',
    (cidr, inside, outside) => {
      const pattern = { ip: [{ cidr }] };
      for (const ip of inside) expect(matches(pattern, { ip }), ip).toBe(true);
      for (const ip of outside) expect(matches(pattern, { ip }), ip).toBe(false);
    },
  );

  it('reads an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '::ffff:a00:1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '0:0:0:0:0:ffff:a00:1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/24' }] }, { ip: '0:0:0:0:1:ffff:a00:1' })).toBe(false);
    expect(matches({ ip: ['10.0.0.1'] }, { ip: '::ffff:a00:1' })).toBe(true);
    expect(matches({ ip: ['::1'] }, { ip: '0.0.0.1' })).toBe(false);
    expect(matches({ ip: ['::fffe:a00:1'] }, { ip: '10.0.0.1' })).toBe(false);
  });

  it('compares an address with as many digits as the block has: IPv4 in IPv6 blocks and the reverse', () => {
    // ::/4 runs from 0000… to 0FFF…: 10.0.0.1 (0A000001) is decided inside at its second digit, while
    // 15.255.255.255 (0FFFFFFF) is still on the block's high edge when its digits run out, and so outside.
    expect(matches({ ip: [{ cidr: '::/4' }] }, { ip: '10.0.0.1' })).toBe(true);
    expect(matches({ ip: [{ cidr: '::/4' }] }, { ip: '15.255.255.255' })).toBe(false);
    expect(matches({ ip: [{ cidr: '::/4' }] }, { ip: '0.0.0.0' })).toBe(false);
    expect(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'a00:1::' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'b00::' })).toBe(false);
    expect(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'aff:ffff:1::' })).toBe(true);
  });

  it.each([
    ['an IPv4 address over 15 characters', '010.000.000.0001'],
    ['an octet over 255', '10.0.0.256'],
    ['two ::', '1::2::3'],
    ['two :: after eight groups', '1:2:3:4:5:6:7:8::9::'],
    ['a group over ffff', '1ffff::1'],
    ['a group over ffff after a small one', '1:1ffff::'],
    ['an empty group', '1:::2'],
    ['nine groups', '1:2:3:4:5:6:7:8:9'],
    ['a :: standing for no group', '1::2:3:4:5:6:7:8'],
    ['three groups without ::', '1:2:3'],
    ['a dotted IPv4 tail', '::ffff:10.0.0.1'],
    ['a zone', 'fe80::1%eth0'],
    ['a group that is not hex', '1::g'],
  ])('matches no block with %s', (_, ip) => {
    expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip })).toBe(false);
    expect(matches({ ip: [{ cidr: '::/1' }] }, { ip })).toBe(false);
  });

  it('takes a fully written IPv6 address and eight groups without ::', () => {
    const pattern = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(matches(pattern, { ip: '2001:0db8:0001:0002:0003:0004:0005:0006' })).toBe(true);
    expect(matches(pattern, { ip: '2001:db8:1:2:3:4:5:6' })).toBe(true);
    expect(matches(pattern, { ip: '2001:db8:1:2:3:4:5::' })).toBe(true);
    expect(matches(pattern, { ip: '::2001:db8' })).toBe(false);
  });

  it('reads a cidr as Java splits it, and its mask with a sign', () => {
    expect(refusal({ ip: [{ cidr: '10.0.0.0/8/' }] })).toBeUndefined();
    expect(matches({ ip: [{ cidr: '10.0.0.0/+8' }] }, { ip: '10.1.2.3' })).toBe(true);
    expect(matches({ ip: [{ cidr: '10.1.2.3/8' }] }, { ip: '10.200.0.1' })).toBe(true);
    expect(refusal({ ip: [{ cidr: '10.0.0.0/-1' }] })).toContain('mask bits must not be negative');
    expect(refusal({ ip: [{ cidr: '10.0.0.0/99999999999' }] })).toContain('mask bits must be an integer');
    expect(refusal({ ip: [{ cidr: '10.0.0.0/2147483647' }] })).toContain('IPv4 mask bits must be < 32');
    expect(refusal({ ip: [{ cidr: '10.0.0.0/8/1' }] })).toContain("Malformed CIDR, one '/' required");
    expect(refusal({ ip: [{ cidr: '/8' }] })).toContain('Nonstandard IP address: ');
    expect(refusal({ ip: [{ cidr: '1:2:3/64' }] })).toContain('Invalid IP address: 1:2:3');
    expect(refusal({ ip: [{ cidr: '2001:db8::/127' }] })).toBeUndefined();
  });

  it.each([
    ['a1.2.3.4/8', 'Nonstandard IP address: a1.2.3.4'],
    ['1.2.3.4a/8', 'Nonstandard IP address: 1.2.3.4a'],
    ['g::1/64', 'Nonstandard IP address: g::1'],
    ['::1g/64', 'Nonstandard IP address: ::1g'],
    ['1:2:3:4:5:6:7:8::9::/64', 'Invalid IP address: 1:2:3:4:5:6:7:8::9::'],
    ['10.0.0.0/x8', 'Malformed CIDR, mask bits must be an integer'],
    ['10.0.0.0/8x', 'Malformed CIDR, mask bits must be an integer'],
    // Java's int: 2147483647 is a (too large) mask, 2147483648 no integer at all.
    ['10.0.0.0/2147483648', 'Malformed CIDR, mask bits must be an integer'],
  ])('refuses the cidr %s, with EventBridge’s reason', (cidr, reason) => {
    expect(refusal({ ip: [{ cidr }] })).toBe(reason);
  });

  it('matches a plain address string as the same address', () => {
    expect(matches({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0:0:0:0:0:1' })).toBe(true);
    expect(matches({ ip: ['2001:db8::1'] }, { ip: '2001:db8::2' })).toBe(false);
  });
});

describe('wildcard', () => {
  it('lets * stand for any run of characters, including none', () => {
    const pattern = { arn: [{ wildcard: 'arn:aws:events:*:*:event-bus/*' }] };
    expect(matches(pattern, { arn: 'arn:aws:events:us-east-1:123456789012:event-bus/bus' })).toBe(true);
    expect(matches(pattern, { arn: 'arn:aws:events:::event-bus/' })).toBe(true);
    expect(matches(pattern, { arn: 'arn:aws:sqs:us-east-1:123456789012:queue' })).toBe(false);
    expect(matches(pattern, { arn: 5 })).toBe(false);
  });

  it('anchors both ends and handles repeated segments', () => {
    const pattern = { f: [{ wildcard: '/Users/*/dir/dir/doc.txt' }] };
    expect(matches(pattern, { f: '/Users/me/dir/dir/dir/doc.txt' })).toBe(true);
    expect(matches(pattern, { f: '/Users/me/dir/doc.txt' })).toBe(false);
    expect(matches(pattern, { f: '/Users/me/dir/dir/doc.txt.bak' })).toBe(false);
    expect(matches({ f: [{ wildcard: '' }] }, { f: '' })).toBe(true);
    expect(matches({ f: [{ wildcard: '' }] }, { f: 'x' })).toBe(false);
    // A middle segment may not reuse the characters of the last one.
    expect(matches({ f: [{ wildcard: 'a*b*b' }] }, { f: 'ab' })).toBe(false);
    expect(matches({ f: [{ wildcard: 'a*b*b' }] }, { f: 'abb' })).toBe(true);
    // Nor may the first and last segments overlap, nor two middle ones.
    expect(matches({ f: [{ wildcard: 'ab*ba' }] }, { f: 'aba' })).toBe(false);
    expect(matches({ f: [{ wildcard: 'ab*ba' }] }, { f: 'abba' })).toBe(true);
    expect(matches({ f: [{ wildcard: '*ab*ab*' }] }, { f: 'xabx' })).toBe(false);
    expect(matches({ f: [{ wildcard: '*ab*ab*' }] }, { f: 'abab' })).toBe(true);
  });

  it('reads \\* as an asterisk and \\\\ as a backslash', () => {
    expect(matches({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe(true);
    expect(matches({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axb' })).toBe(false);
    expect(matches({ f: [{ wildcard: 'a\\\\*' }] }, { f: 'a\\xyz' })).toBe(true);
  });

  it('agrees with prefix-and-suffix for one wildcard', () => {
    const literal = fc.string({ unit: fc.constantFrom('a', 'b', '/', '.') });
    fc.assert(
      fc.property(
        literal,
        literal,
        fc.string({ unit: fc.constantFrom('a', 'b', '/', '.') }),
        (head, tail, text) => {
          const expected =
            text.length >= head.length + tail.length && text.startsWith(head) && text.endsWith(tail);
          expect(matches({ f: [{ wildcard: `${head}*${tail}` }] }, { f: text })).toBe(expected);
        },
      ),
    );
  });
});

describe('$or', () => {
  const pattern = {
    source: ['reelhire.contra'],
    detail: { $or: [{ version: [{ numeric: ['>', 1] }] }, { handle: [{ prefix: 'vip-' }] }] },
  };

  it('matches when any alternative does, together with the other fields', () => {
    expect(matches(pattern, { source: 'reelhire.contra', detail: { version: 2 } })).toBe(true);
    expect(matches(pattern, { source: 'reelhire.contra', detail: { version: 1, handle: 'vip-ann' } })).toBe(
      true,
    );
    expect(matches(pattern, { source: 'reelhire.contra', detail: { version: 1, handle: 'ann' } })).toBe(
      false,
    );
    expect(matches(pattern, { source: 'reelhire.tiktok', detail: { version: 2 } })).toBe(false);
  });

  it('is an ordinary field name unless it holds at least two objects', () => {
    expect(matches({ $or: ['x'] }, { $or: 'x' })).toBe(true);
    expect(matches({ $or: ['x'] }, {})).toBe(false);
    expect(refusal({ $or: [{ a: ['x'] }] })).toBe('There must have at least 2 Objects in $or relationship.');
  });

  it.each([
    ['a string', 'x'],
    ['a number', 1],
    ['an object', { a: 'x' }],
  ])('refuses %s after $or, with EventBridge’s reason', (_, value) => {
    expect(refusal({ $or: value })).toBe('It must be an Array followed with $or.');
  });

  it('takes a $or before the other fields as well as after them', () => {
    const first = { $or: [{ a: ['1'] }, { b: ['2'] }], c: ['3'] };
    expect(matches(first, { b: '2', c: '3' })).toBe(true);
    expect(matches(first, { b: '2' })).toBe(false);
    expect(matches(first, { c: '3' })).toBe(false);
  });

  // aws/event-ruler's reserved names: operators, and those it keeps for operators to come.
  it.each(
    (
      'exactly equals-ignore-case prefix suffix anything-but exists wildcard numeric cidr = < <= > >= regex ' +
      'not-wildcard not-equals-ignore-case date-after date-on-or-after date-before date-on-or-before ' +
      'in-date-range ip-address-in-range ip-address-not-in-range'
    ).split(' '),
  )('refuses %s as a field name inside $or, and takes it as one outside', (name) => {
    expect(refusal({ $or: [{ [name]: ['x'] }, { b: ['y'] }] })).toBe(
      `${name} is Ruler reserved fieldName which cannot be used inside $or.`,
    );
    expect(matches({ [name]: ['x'] }, { [name]: 'x' })).toBe(true);
  });
});

describe('arrays of objects', () => {
  const event = {
    detail: {
      videos: [
        { platform: 'tiktok', videoId: 'v1' },
        { platform: 'youtube', videoId: 'v2', caption: 'hello' },
      ],
    },
  };

  it('takes every field from the same element', () => {
    const same = { detail: { videos: { platform: ['youtube'], videoId: ['v2'] } } };
    const mixed = { detail: { videos: { platform: ['tiktok'], videoId: ['v2'] } } };
    expect(matches(same, event)).toBe(true);
    expect(matches(mixed, event)).toBe(false);
  });

  it('judges exists:false within the elements of the fields before it in path order, as EventBridge does', () => {
    const uncaptioned = { detail: { videos: { platform: ['tiktok'], zcaption: [{ exists: false }] } } };
    expect(matches(uncaptioned, { detail: { videos: [{ platform: 'tiktok' }, { zcaption: 'x' }] } })).toBe(
      true,
    );
    const captioned = [{ platform: 'tiktok', zcaption: 'y' }, { zcaption: 'x' }];
    expect(matches(uncaptioned, { detail: { videos: captioned } })).toBe(false);
    // `caption` sorts before `videoId`, so EventBridge sees element 1's caption before choosing element 0.
    const captionFirst = { detail: { videos: { caption: [{ exists: false }], videoId: ['v1'] } } };
    expect(matches(captionFirst, event)).toBe(false);
    // The order is the paths', not the pattern's.
    const writtenLast = { detail: { videos: { videoId: ['v1'], caption: [{ exists: false }] } } };
    expect(matches(writtenLast, event)).toBe(false);
  });

  it('tries each element in turn until every field fits the same one', () => {
    const items = [
      { k: 'a', v: 1 },
      { k: 'a', v: 2 },
    ];
    expect(matches({ detail: { items: { k: ['a'], v: [2] } } }, { detail: { items } })).toBe(true);
    expect(matches({ detail: { items: { k: ['a'], v: [3] } } }, { detail: { items } })).toBe(false);
  });

  it('takes fields from different arrays independently', () => {
    const event = { a: [{ x: 1 }], b: [{ y: 1 }, { y: 2 }] };
    expect(matches({ a: { x: [1] }, b: { y: [2] } }, event)).toBe(true);
  });
});

describe('validation', () => {
  it.each<[string, unknown, string]>([
    ['a pattern that is not an object', ['source'], 'Filter is not an object'],
    ['an empty pattern', {}, 'Empty objects are not allowed'],
    ['an empty nested object', { detail: {} }, 'Empty objects are not allowed'],
    ['a leaf that is not an array', { source: 'reelhire.api' }, '"source" must be an object or an array'],
    ['a number leaf', { n: 42 }, '"n" must be an object or an array'],
    ['an empty array', { resources: [] }, 'Empty arrays are not allowed'],
    ['a nested array', { a: [['x']] }, 'Match value must be String, number, true, false, or null'],
    ['an empty match expression', { a: [{}] }, 'Match expression name not found'],
    ['an unknown operator', { a: [{ contains: 'x' }] }, 'Unrecognized match type contains'],
    ['an operator in capitals', { a: [{ EXISTS: true }] }, 'Unrecognized match type EXISTS'],
    ['two operators in one object', { a: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed'],
    ['a non-string prefix', { a: [{ prefix: 1 }] }, 'prefix match pattern must be a string'],
    ['a prefix list', { a: [{ prefix: ['x'] }] }, 'prefix match pattern must be a string'],
    [
      'a prefix with another option',
      { a: [{ prefix: { 'ignore-case': 'x' } }] },
      'Unsupported prefix pattern',
    ],
    ['a non-string suffix', { a: [{ suffix: 1 }] }, 'suffix match pattern must be a string'],
    ['a list for equals-ignore-case', { a: [{ 'equals-ignore-case': ['x'] }] }, 'must be a string'],
    [
      'a non-boolean exists',
      { a: [{ exists: 'yes' }] },
      'exists match pattern must be either true or false.',
    ],
    ['numeric not in an array', { a: [{ numeric: 10 }] }, 'Value of numeric must be an array.'],
    ['an empty numeric', { a: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
    ['a numeric missing its value', { a: [{ numeric: ['>', 0, '<'] }] }, 'Value of < must be numeric'],
    ['two lower bounds', { a: [{ numeric: ['>', 0, '>', 0] }] }, 'Bad numeric range operator: >'],
    [
      'an upper bound first',
      { a: [{ numeric: ['<', 5, '>', 0] }] },
      'Too many elements in numeric expression',
    ],
    ['an empty range', { a: [{ numeric: ['>=', 5, '<=', 5] }] }, 'Bottom must be less than top'],
    ['a reversed range', { a: [{ numeric: ['>', 5, '<', 1] }] }, 'Bottom must be less than top'],
    ['a string number', { a: [{ numeric: ['=', '5'] }] }, 'Value of equals must be numeric'],
    [
      'an unknown numeric operator',
      { a: [{ numeric: ['!=', 5] }] },
      'Unrecognized numeric range operator: !=',
    ],
    [
      'anything-but null',
      { a: [{ 'anything-but': null }] },
      'Value of anything-but must be an array or single',
    ],
    ['anything-but with null in a list', { a: [{ 'anything-but': ['x', null] }] }, 'start|null|boolean'],
    ['anything-but of mixed types', { a: [{ 'anything-but': ['x', 1] }] }, 'mixed type is not supported'],
    ['an empty anything-but list', { a: [{ 'anything-but': [] }] }, 'mixed type is not supported'],
    [
      'an unknown anything-but form',
      { a: [{ 'anything-but': { numeric: [] } }] },
      'Unsupported anything-but',
    ],
    [
      'anything-but an empty prefix',
      { a: [{ 'anything-but': { prefix: '' } }] },
      'Null prefix/suffix not allowed',
    ],
    [
      'anything-but a number prefix',
      { a: [{ 'anything-but': { suffix: [1] } }] },
      'prefix/suffix match pattern',
    ],
    [
      'anything-but a nested prefix form',
      { a: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'x' } } }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'anything-but ignore-case of a number',
      { a: [{ 'anything-but': { 'equals-ignore-case': 1 } }] },
      'number',
    ],
    ['a cidr list', { ip: [{ cidr: ['10.0.0.0/8'] }] }, 'prefix match pattern must be a string'],
    ['a cidr without mask', { ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    ['a cidr with a bad mask', { ip: [{ cidr: '10.0.0.0/x' }] }, 'mask bits must be an integer'],
    ['a cidr with a bad address', { ip: [{ cidr: 'xx.11.xx/8' }] }, 'Nonstandard IP address: xx.11.xx'],
    ['a cidr with a bad octet', { ip: [{ cidr: '10.0.0.256/8' }] }, 'Invalid IP address: 10.0.0.256'],
    ['a full IPv4 mask', { ip: [{ cidr: '10.0.0.1/32' }] }, 'IPv4 mask bits must be < 32'],
    ['a full IPv6 mask', { ip: [{ cidr: '2001:db8::/128' }] }, 'IPv6 mask bits must be < 128'],
    ['a non-string wildcard', { a: [{ wildcard: 1 }] }, 'wildcard match pattern must be a string'],
    ['consecutive wildcards', { a: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at pos 2'],
    ['a stray escape', { a: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 2'],
    ['$or not holding objects', { $or: [{ a: ['x'] }, 'y'] }, 'Only JSON object is allowed in array of $or'],
    ['an operator name inside $or', { $or: [{ prefix: ['x'] }, { b: ['y'] }] }, 'reserved fieldName'],
  ])('refuses %s', (_, pattern, reason) => {
    expect(refusal(pattern)).toContain(reason);
    expect(() => compileEventPattern(pattern)).toThrow(InvalidEventPatternError);
  });

  it.each<[string, unknown, string]>([
    ['exactly a number', { a: [{ exactly: 1 }] }, 'exact match pattern must be a string'],
    [
      'exactly beside another key',
      { a: [{ exactly: 'x', prefix: 'y' }] },
      'Only one key allowed in match expression',
    ],
    [
      'prefix beside suffix',
      { a: [{ prefix: 'x', suffix: 'y' }] },
      'Only one key allowed in match expression',
    ],
    [
      'wildcard beside prefix',
      { a: [{ wildcard: 'x*', prefix: 'y' }] },
      'Only one key allowed in match expression',
    ],
    [
      'equals-ignore-case beside prefix',
      { a: [{ 'equals-ignore-case': 'x', prefix: 'y' }] },
      'Only one key allowed in match expression',
    ],
    [
      'exists beside prefix',
      { a: [{ exists: true, prefix: 'y' }] },
      'Only one key allowed in match expression',
    ],
    [
      'cidr beside prefix',
      { a: [{ cidr: '10.0.0.0/8', prefix: 'y' }] },
      'Only one key allowed in match expression',
    ],
    [
      'numeric beside prefix',
      { a: [{ numeric: ['>', 1], prefix: 'y' }] },
      'Too many elements in numeric expression',
    ],
    ['a prefix of an unknown form', { a: [{ prefix: { foo: 'x' } }] }, 'Unsupported prefix pattern: foo'],
    ['a suffix of an unknown form', { a: [{ suffix: { foo: 'x' } }] }, 'Unsupported suffix pattern: foo'],
    ['an empty prefix form', { a: [{ prefix: {} }] }, 'Prefix expression name not found'],
    ['an empty suffix form', { a: [{ suffix: {} }] }, 'Suffix expression name not found'],
    [
      'a prefix ignoring case of a number',
      { a: [{ prefix: { 'equals-ignore-case': 1 } }] },
      'equals-ignore-case match pattern must be a string',
    ],
    [
      'a prefix form of two keys',
      { a: [{ prefix: { 'equals-ignore-case': 'x', foo: 1 } }] },
      'Only one key allowed in match expression',
    ],
    [
      'anything-but of an unknown form',
      { a: [{ 'anything-but': { foo: 'x' } }] },
      'Unsupported anything-but pattern: foo',
    ],
    [
      'anything-but of an empty form',
      { a: [{ 'anything-but': {} }] },
      'Anything-But expression name not found',
    ],
    [
      'anything-but of two forms',
      { a: [{ 'anything-but': { prefix: 'x', suffix: 'y' } }] },
      'Too many elements in numeric expression',
    ],
    [
      'anything-but of a numeric form',
      { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'Unsupported anything-but pattern: numeric',
    ],
    [
      'anything-but of a number wildcard',
      { a: [{ 'anything-but': { wildcard: 1 } }] },
      'wildcard match pattern must be a string',
    ],
    ['an unknown operator', { a: [{ foo: 'x' }] }, 'Unrecognized match type foo'],
    [
      'anything-but beside another key',
      { a: [{ 'anything-but': 'x', prefix: 'y' }] },
      'Too many elements in numeric expression',
    ],
    [
      'an equals with a bound after it',
      { a: [{ numeric: ['=', 5, '<', 6] }] },
      'Too many elements in numeric expression',
    ],
    [
      'a number where the upper operator goes',
      { a: [{ numeric: ['>', 0, 5] }] },
      'Bad value in numeric range: 5',
    ],
    [
      'a term after the upper bound',
      { a: [{ numeric: ['>', 0, '<', 5, 6] }] },
      'Too many terms in numeric range expression',
    ],
    ['a number first in numeric', { a: [{ numeric: [5] }] }, 'Invalid member in numeric match: 5'],
  ])('refuses %s, with EventBridge’s reason', (_, pattern, reason) => {
    expect(refusal(pattern)).toBe(reason);
  });

  it('words the error as EventBridge does', () => {
    expect(() => validateEventPattern({ source: 'x' })).toThrow(
      'Event pattern is not valid. Reason: "source" must be an object or an array',
    );
    // What a stack trace of a refused rule starts with.
    expect(() => validateEventPattern({ source: 'x' })).toThrow(
      expect.objectContaining({ name: 'InvalidEventPatternError' }),
    );
  });

  it.each<[string, unknown]>([
    ['an empty prefix and suffix', { a: [{ prefix: '' }, { suffix: '' }] }],
    ['an empty wildcard', { a: [{ wildcard: '' }, { 'anything-but': { wildcard: '' } }] }],
    ['operators mixed with values', { a: ['x', 1, true, null, { exists: true }, { prefix: 'y' }] }],
    ['a 31-bit mask', { ip: [{ cidr: '10.0.0.0/31' }] }],
    // JSON has no undefined: such a member is not there, as JSON.stringify would drop it.
    ['an undefined member beside an operator', { a: [{ prefix: 'x', suffix: undefined }] }],
    ['$or nested in $or', { $or: [{ a: ['x'] }, { $or: [{ b: ['y'] }, { c: ['z'] }] }] }],
  ])('accepts %s', (_, pattern) => {
    expect(refusal(pattern)).toBeUndefined();
  });

  it('refuses wildcards too complex to match efficiently, as EventBridge does', () => {
    const tooComplex = 'Rule is too complex';
    expect(refusal({ arn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] })).toContain(tooComplex);
    expect(refusal({ arn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] })).toBeUndefined();
    expect(refusal({ f: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] })).toBeUndefined();
    // Seen refused in the field: four of these on one field; two are accepted.
    const images = ['bif', 'tif', 'svs', 'tiff'].map((extension) => ({
      wildcard: `*/datasync/*.${extension}`,
    }));
    expect(refusal({ key: images })).toContain(tooComplex);
    expect(refusal({ key: images.slice(0, 2) })).toBeUndefined();
  });

  // The limit is 10 prefixes matching at once (see wildcard-complexity.ts): each value of a field counts on its
  // own, while an anything-but list shares its values' prefixes up to their first `*`.
  const numbered = <T>(count: number, value: (index: number) => T): T[] =>
    Array.from({ length: count }, (_, index) => value(index));
  it.each<[string, unknown[], boolean]>([
    [
      'ten values that all match a value’s first byte',
      numbered(10, (i) => ({ wildcard: `report-${i}*` })),
      true,
    ],
    ['eleven such values', numbered(11, (i) => ({ wildcard: `report-${i}*` })), false],
    ['five values with a leading *', numbered(5, (i) => ({ wildcard: `*.${i}` })), true],
    ['six values with a leading *', numbered(6, (i) => ({ wildcard: `*.${i}` })), false],
    [
      'an anything-but list of twelve values with one prefix',
      [{ 'anything-but': { wildcard: numbered(12, (i) => `report-${i}*`) } }],
      true,
    ],
    [
      'an anything-but list of twelve values without *',
      [{ 'anything-but': { wildcard: numbered(12, (i) => `report-${i}`) } }],
      true,
    ],
    [
      'eleven anything-but expressions of one value each',
      numbered(11, (i) => ({ 'anything-but': { wildcard: `report-${i}*` } })),
      false,
    ],
    [
      'an anything-but list of nine values with a leading *',
      [{ 'anything-but': { wildcard: numbered(9, (i) => `*.${i}`) } }],
      true,
    ],
    [
      'an anything-but list of ten such values',
      [{ 'anything-but': { wildcard: numbered(10, (i) => `*.${i}`) } }],
      false,
    ],
  ])('counts the wildcard prefixes of %s against the limit', (_, values, accepted) => {
    const reason = refusal({ key: values });
    if (accepted) expect(reason).toBeUndefined();
    else expect(reason).toMatch(/^Rule is too complex - try using fewer wildcard characters/);
  });
});

describe('compiled matchers', () => {
  it('validate once and then answer for many events independently', () => {
    const matcher = compileEventPattern({
      'detail-type': ['Video Removed'],
      detail: { reason: ['moderation'] },
    });
    const removed = (reason: string) => ({ 'detail-type': 'Video Removed', detail: { reason } });
    expect([
      matcher(removed('moderation')),
      matcher(removed('creator')),
      matcher(removed('moderation')),
    ]).toEqual([true, false, true]);
  });

  it('throws at compile time for an invalid pattern', () => {
    expect(() => compileEventPattern({ source: [] })).toThrow(InvalidEventPatternError);
  });
});
