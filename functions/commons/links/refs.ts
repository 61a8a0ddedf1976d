import { type AccountRef, PLATFORMS, type Platform, type VideoRef } from '#events/fields.ts';

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

/** How a kind of ref is stored: as its `(platform, id)` parts, and back. */
export interface RefCodec<Ref> {
  readonly of: (platform: Platform, id: string) => Ref;
  readonly parts: (ref: Ref) => { platform: Platform; id: string };
}

export const accountRefs: RefCodec<AccountRef> = {
  of: (platform, accountId) => ({ platform, accountId }),
  parts: (account) => ({ platform: account.platform, id: account.accountId }),
};

export const videoRefs: RefCodec<VideoRef> = {
  of: (platform, videoId) => ({ platform, videoId }),
  parts: (video) => ({ platform: video.platform, id: video.videoId }),
};
