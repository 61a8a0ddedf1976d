import type { LinkChanged } from '#events/catalog.ts';
import type { Platform } from '#events/fields.ts';
import type { ApplyLink, PortfolioLink, VideoLinks } from './links.ts';

/** A video, named the way every event names it. */
export interface VideoId {
  readonly platform: Platform;
  readonly videoId: string;
}

/** Only the video's identity: callers often pass a whole event detail. */
const identity = ({ platform, videoId }: VideoId): VideoId => ({ platform, videoId });

const portfolioChanged = (
  target: VideoId,
  before: PortfolioLink | null,
  after: PortfolioLink | null,
): LinkChanged | undefined => {
  const video = identity(target);
  if (after) {
    if (before && before.profileId === after.profileId && before.url === after.url) return undefined;
    return { ...video, kind: 'portfolio', state: 'active', url: after.url, profileId: after.profileId };
  }
  // An inactive link names the profile it last pointed to.
  return before ? { ...video, kind: 'portfolio', state: 'inactive', profileId: before.profileId } : undefined;
};

export const applyChanged = (
  target: VideoId,
  before: ApplyLink | null,
  after: ApplyLink | null,
): LinkChanged | undefined => {
  const video = identity(target);
  if (after) {
    if (before && before.jobId === after.jobId && before.url === after.url) return undefined;
    return { ...video, kind: 'apply', state: 'active', url: after.url, jobId: after.jobId };
  }
  return before ? { ...video, kind: 'apply', state: 'inactive', jobId: before.jobId } : undefined;
};

/** The Link Changed events that take a video from one pair of links to another (none when equal). */
export const linkChanges = (video: VideoId, before: VideoLinks, after: VideoLinks): LinkChanged[] =>
  [
    portfolioChanged(video, before.portfolio, after.portfolio),
    applyChanged(video, before.apply, after.apply),
  ].filter((change): change is LinkChanged => change !== undefined);
