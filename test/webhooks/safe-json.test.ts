import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MAX_JSON_DEPTH, parseUntrustedJson } from '#webhooks/safe-json.ts';
import { decodeXmlText } from '#webhooks/xml.ts';

const parsed = (text: string): unknown => {
  const result = parseUntrustedJson(text);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
};

describe('parseUntrustedJson', () => {
  it('removes the keys that would reach a prototype when the value is merged into another object', () => {
    const value = parsed(
      '{"__proto__":{"polluted":1},"profile":{"constructor":{"prototype":{"polluted":2}},"prototype":3,"handle":"maya"}}',
    ) as Record<string, Record<string, unknown>>;

    const merged = Object.assign({}, value) as Record<string, unknown>;
    expect(merged.polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['profile']);
    expect(value.profile).toEqual({ handle: 'maya' });
    expect(Object.hasOwn(value.profile!, 'constructor')).toBe(false);
  });

  it('removes them inside arrays too', () => {
    const value = parsed('[{"__proto__":{"polluted":1},"id":"a"}]') as Record<string, unknown>[];
    expect(Object.assign({}, value[0]).polluted).toBeUndefined();
    expect(value).toEqual([{ id: 'a' }]);
  });

  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels and refuses deeper, counting only brackets outside strings`, () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(parseUntrustedJson(nested(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(parseUntrustedJson(nested(MAX_JSON_DEPTH + 1))).toEqual({
      ok: false,
      reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
    expect(parsed(JSON.stringify({ text: `[[[{{{\\"${'['.repeat(100)}` }))).toMatchObject({
      text: expect.any(String),
    });
  });

  it('refuses a 256 KiB tower of brackets without parsing it', () => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(parseUntrustedJson('['.repeat(262_144))).toEqual({
        ok: false,
        reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
      });
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('says so when the text is not JSON', () => {
    expect(parseUntrustedJson('{"a":')).toEqual({ ok: false, reason: 'not valid JSON' });
  });

  it('parses any JSON value without forbidden keys exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        const withoutForbidden = !/"(__proto__|constructor|prototype)":/.test(text);
        fc.pre(withoutForbidden);
        expect(parsed(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('decodeXmlText', () => {
  it('decodes the predefined entities and character references once', () => {
    expect(decodeXmlText('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233; &#x2615; &amp;amp;')).toBe(
      'a & b <c> "d" \'e\' é ☕ &amp;',
    );
  });

  it('leaves what is not a valid reference as it is', () => {
    expect(decodeXmlText('&nbsp; &#0; &#xD800; &#x110000; &lol;')).toBe(
      '&nbsp; &#0; &#xD800; &#x110000; &lol;',
    );
  });
});
