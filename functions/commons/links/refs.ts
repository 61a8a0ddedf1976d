import { PLATFORMS, type Platform } from '#events/fields.ts';

/**
 * `(platform, id)` pairs stored in a DynamoDB string set: `<platform>#<id>`. Platforms contain no `#`, so the
 * first `#` splits them unambiguously whatever the id holds.
 */
export const refString = (platform: Platform, id: string): string => `${platform}#${id}`;

export const parseRef = (value: string): { platform: Platform; id: string } => {
  const separator = value.indexOf('#');
  const platform = value.slice(0, separator);
  if (!(PLATFORMS as readonly string[]).includes(platform))
    throw new Error(`not a platform reference: ${value}`);
  return { platform: platform as Platform, id: value.slice(separator + 1) };
};

/** A string set read back from DynamoDB (the document client returns a Set). */
export const stringSet = (value: unknown): string[] =>
  value instanceof Set ? [...value].map(String) : Array.isArray(value) ? value.map(String) : [];
