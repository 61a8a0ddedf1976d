import { id, platform, type VideoRef } from '#events/fields.ts';

/**
 * `via` as a tap carries it to the apply page (CONTRACT §8): `<platform>:<videoId>`, percent-encoded in the
 * url, split at the first `:` (a videoId may hold colons).
 */
export const viaText = (video: VideoRef): string => `${video.platform}:${video.videoId}`;

/** The Apply link's url with `via` appended (after its own query, if it has one). */
export const withVia = (url: string, video: VideoRef): string => {
  const target = new URL(url);
  target.searchParams.append('via', viaText(video));
  return target.href;
};

/** The video a `via` names, each half by the catalog's rules; undefined when it names none. */
export const videoOfVia = (via: string | null | undefined): VideoRef | undefined => {
  if (!via) return undefined;
  const colon = via.indexOf(':');
  if (colon < 0) return undefined;
  const known = platform.safeParse(via.slice(0, colon));
  const videoId = via.slice(colon + 1);
  if (!known.success || !id.safeParse(videoId).success) return undefined;
  return { platform: known.data, videoId };
};
