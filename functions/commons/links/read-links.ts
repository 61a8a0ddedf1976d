import type { Platform } from '#events/fields.ts';
import { wholeSecondsBetween } from '#shared/instant.ts';
import type { AccountStore, VideoPartition, VideoStore } from './link-stores.ts';
import {
  type ApplyLink,
  type LinkInputs,
  linksOf,
  NO_LINKS,
  timedChangeKeyOf,
  type VideoLinks,
} from './links.ts';

/** What reading a video's links takes: its partition, its account, the clock and the base url (a LinkContext). */
export interface LinkReads {
  readonly videos: Pick<VideoStore, 'partition'>;
  readonly accounts: Pick<AccountStore, 'read'>;
  readonly publicBaseUrl: string;
  nowKey(): string;
}

/** What the link rule needs of a video's partition and account, evaluated now. */
const inputsOf = (
  context: LinkReads,
  { video, candidates }: VideoPartition,
  account: LinkInputs['account'],
): LinkInputs => ({
  video,
  account,
  candidates,
  nowKey: context.nowKey(),
  publicBaseUrl: context.publicBaseUrl,
});

export interface TimedLinks {
  readonly links: VideoLinks;
  /** Whole seconds the links stay as they are unless an event changes them (a job closing); undefined: no end. */
  readonly unchangedForSeconds?: number;
}

/**
 * A video's links, evaluated now, and how long time alone leaves them so: one query of the video's partition
 * (the video and its jobs' entries), then one read of its account item. Two round trips at most.
 */
export const readTimedLinks = async (
  context: LinkReads,
  platform: Platform,
  videoId: string,
): Promise<TimedLinks> => {
  const partition = await context.videos.partition(platform, videoId);
  const { video } = partition;
  if (!video?.posted || video.removed) return { links: NO_LINKS };
  const account = video.accountId ? await context.accounts.read(platform, video.accountId) : undefined;
  const inputs = inputsOf(context, partition, account);
  const changesAtKey = timedChangeKeyOf(inputs);
  return {
    links: linksOf(inputs),
    ...(changesAtKey === undefined
      ? {}
      : { unchangedForSeconds: wholeSecondsBetween(inputs.nowKey, changesAtKey) }),
  };
};

/** A video's links, evaluated now (two round trips at most). */
export const readLinks = async (
  context: LinkReads,
  platform: Platform,
  videoId: string,
): Promise<VideoLinks> => (await readTimedLinks(context, platform, videoId)).links;

/**
 * A video's Apply link, evaluated now: the query of the video's partition alone, since an Apply link does not
 * depend on the account (one round trip; an `/apply` tap reads no account item, hot or not).
 */
export const readApplyLink = async (
  context: LinkReads,
  platform: Platform,
  videoId: string,
): Promise<ApplyLink | null> => {
  const partition = await context.videos.partition(platform, videoId);
  return linksOf(inputsOf(context, partition, undefined)).apply;
};
