import type { Platform } from '#events/fields.ts';
import type { LinkContext } from './link-context.ts';
import { linksOf, NO_LINKS, type VideoLinks } from './links.ts';

/**
 * A video's links, evaluated now: one query of the video's partition (the video and its jobs' entries), then
 * one read of its account item. Two round trips at most.
 */
export const readLinks = async (
  context: LinkContext,
  platform: Platform,
  videoId: string,
): Promise<VideoLinks> => {
  const { video, candidates } = await context.videos.partition(platform, videoId);
  if (!video?.posted || video.removed) return NO_LINKS;
  const account = video.accountId ? await context.accounts.read(platform, video.accountId) : undefined;
  return linksOf({
    video,
    account,
    candidates,
    nowKey: context.nowKey(),
    publicBaseUrl: context.publicBaseUrl,
  });
};
