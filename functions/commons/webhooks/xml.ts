import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * XML from the outside world. Entity processing is off, and any DOCTYPE is refused before parsing, so there
 * is nothing to expand (no billion laughs) and nothing to fetch (no XXE); the five predefined entities and
 * character references are decoded afterwards, once, in the values that are used. Nesting is bounded, and
 * the parser itself refuses element names such as `__proto__`.
 */

const MAX_NESTED_ELEMENTS = 32;

export type XmlNode = string | { readonly [name: string]: XmlNode | readonly XmlNode[] | undefined };

export type ParsedXml =
  | { readonly ok: true; readonly document: XmlNode }
  | { readonly ok: false; readonly reason: string };

const DECLARATIONS = /<!(?:DOCTYPE|ENTITY)/i;

export const parseUntrustedXml = (xml: string, repeatedElements: readonly string[]): ParsedXml => {
  if (DECLARATIONS.test(xml))
    return { ok: false, reason: 'DOCTYPE and ENTITY declarations are not accepted' };
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    return { ok: false, reason: `not well-formed XML (line ${validation.err.line}: ${validation.err.msg})` };
  }
  const repeated = new Set(repeatedElements);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    // Namespace prefixes are the publisher's choice (`yt:`, `at:`); the local names are what identify.
    removeNSPrefix: true,
    processEntities: false,
    htmlEntities: false,
    // Ids such as `0123` must stay strings.
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    maxNestedTags: MAX_NESTED_ELEMENTS,
    isArray: (name) => repeated.has(name),
  });
  try {
    return { ok: true, document: parser.parse(xml) as XmlNode };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message.slice(0, 200) : 'unreadable XML' };
  }
};

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const codePoint = (value: number): string | undefined =>
  Number.isInteger(value) && value > 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff)
    ? String.fromCodePoint(value)
    : undefined;

/** Decodes the predefined entities and character references in one pass (never recursively). */
export const decodeXmlText = (text: string): string =>
  text.replace(
    /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|(lt|gt|amp|quot|apos));/g,
    (match, hex, decimal, name) => {
      if (hex !== undefined) return codePoint(Number.parseInt(hex, 16)) ?? match;
      if (decimal !== undefined) return codePoint(Number(decimal)) ?? match;
      return PREDEFINED[name as string] ?? match;
    },
  );

/** A child element or attribute (`@name`) of an element, as a node list. */
export const childrenOf = (node: XmlNode | undefined, name: string): readonly XmlNode[] => {
  if (node === undefined || typeof node === 'string') return [];
  const child = node[name];
  if (child === undefined) return [];
  return Array.isArray(child) ? child : [child as XmlNode];
};

/** The decoded text of a child element or attribute, when there is exactly one. */
export const textOf = (node: XmlNode | undefined, name: string): string | undefined => {
  const [first, ...rest] = childrenOf(node, name);
  if (first === undefined || rest.length > 0) return undefined;
  if (typeof first === 'string') return decodeXmlText(first);
  const text = first['#text'];
  return typeof text === 'string' ? decodeXmlText(text) : undefined;
};
