import type { Platform } from '#events/fields.ts';
import { hotKeyReads } from '#shared/hot-reads.ts';
import type { LinkReads } from './read-links.ts';

/**
 * The reads of a tap: a video's partition and its account item, each a hot key once a viral video's taps come at
 * its rate. The link rule still runs on every tap with the clock of that tap (a job's `closesAt` is exact).
 */
export const hotLinkReads = (reads: LinkReads, now: () => number = Date.now): LinkReads => {
  const keyOf = (platform: Platform, id: string): string => `${platform} ${id}`;
  return {
    videos: { partition: hotKeyReads((p, v) => reads.videos.partition(p, v), keyOf, now) },
    accounts: { read: hotKeyReads((p, a) => reads.accounts.read(p, a), keyOf, now) },
    publicBaseUrl: reads.publicBaseUrl,
    nowKey: () => reads.nowKey(),
  };
};
