import type { VideoRef } from '#events/fields.ts';
import { NO_LINKS, type VideoLinks } from '#links/links.ts';
import { type HistoryEvent, linksFromHistory, videoIdentity } from './links-from-history.ts';
import { inParallel } from './replay.ts';

/** A video whose links, as the HTTP API serves them, differ from the rule. */
export interface LinkMismatch {
  readonly video: VideoRef;
  readonly expected: VideoLinks;
  readonly served: VideoLinks | { readonly status: number };
}

export interface LinksCheck {
  readonly videos: number;
  /** Active links the rule expects: a check over no link at all would prove nothing. */
  readonly expectedPortfolioLinks: number;
  readonly expectedApplyLinks: number;
  readonly mismatches: readonly LinkMismatch[];
  readonly serverErrors: number;
}

const sameLinks = (a: VideoLinks, b: VideoLinks): boolean =>
  a.portfolio?.profileId === b.portfolio?.profileId &&
  a.portfolio?.url === b.portfolio?.url &&
  a.apply?.jobId === b.apply?.jobId &&
  a.apply?.url === b.apply?.url;

/** A video's links through `GET /links/{platform}/{videoId}`: 404 means none active. */
export const servedLinks = async (
  apiUrl: string,
  video: VideoRef,
): Promise<VideoLinks | { status: number }> => {
  const response = await fetch(`${apiUrl}/links/${video.platform}/${encodeURIComponent(video.videoId)}`);
  if (response.status === 404) {
    await response.body?.cancel();
    return NO_LINKS;
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return { status: response.status };
  }
  const { portfolio, apply } = (await response.json()) as VideoLinks;
  return { portfolio, apply };
};

/**
 * `servedLinks`, asked again (up to three times in all) while it answers 5xx: a read is safe to repeat, and on a
 * busy machine one can outlast the function's timeout; only a server error that persists is counted.
 */
const servedLinksOnceAnswered = async (
  apiUrl: string,
  video: VideoRef,
): Promise<VideoLinks | { status: number }> => {
  for (let attempt = 1; ; attempt++) {
    const served = await servedLinks(apiUrl, video);
    if (!('status' in served) || served.status < 500 || attempt === 3) return served;
  }
};

/**
 * Reads every video's links through the HTTP API and compares them with the rule of CONTRACT §3 computed
 * from the whole history (`linksFromHistory`), evaluated now.
 */
export const checkLinks = async (
  apiUrl: string,
  history: readonly HistoryEvent[],
  videos: readonly VideoRef[],
  publicBaseUrl = apiUrl,
): Promise<LinksCheck> => {
  const expectedLinks = linksFromHistory(history, new Date(), publicBaseUrl);
  const mismatches: LinkMismatch[] = [];
  let serverErrors = 0;
  await inParallel(videos.length, 4, async (index) => {
    const video = videos[index]!;
    const expected = expectedLinks.get(videoIdentity(video.platform, video.videoId)) ?? NO_LINKS;
    const served = await servedLinksOnceAnswered(apiUrl, video);
    if ('status' in served) {
      if (served.status >= 500) serverErrors++;
      mismatches.push({ video, expected, served });
    } else if (!sameLinks(expected, served)) {
      mismatches.push({ video, expected, served });
    }
  });
  const expected = [...expectedLinks.values()];
  return {
    videos: videos.length,
    expectedPortfolioLinks: expected.filter((links) => links.portfolio !== null).length,
    expectedApplyLinks: expected.filter((links) => links.apply !== null).length,
    mismatches,
    serverErrors,
  };
};
