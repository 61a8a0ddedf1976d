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

/**
 * The Link Changed of one kind of link between two states, or undefined when nothing changed: active with its
 * url when there is a link now, inactive naming the profile or job it last pointed to when there was one.
 */
const changeOf =
  <Link extends { readonly url: string }>(
    kind: LinkChanged['kind'],
    idOf: (link: Link) => string,
    pointsTo: (id: string) => Pick<LinkChanged, 'profileId' | 'jobId'>,
  ) =>
  (target: VideoId, before: Link | null, after: Link | null): LinkChanged | undefined => {
    const video = identity(target);
    if (after) {
      if (before && idOf(before) === idOf(after) && before.url === after.url) return undefined;
      return { ...video, kind, state: 'active', url: after.url, ...pointsTo(idOf(after)) };
    }
    return before ? { ...video, kind, state: 'inactive', ...pointsTo(idOf(before)) } : undefined;
  };

const portfolioChanged = changeOf<PortfolioLink>(
  'portfolio',
  (link) => link.profileId,
  (profileId) => ({ profileId }),
);

export const applyChanged = changeOf<ApplyLink>(
  'apply',
  (link) => link.jobId,
  (jobId) => ({ jobId }),
);

/** The Link Changed events that take a video from one pair of links to another (none when equal). */
export const linkChanges = (video: VideoId, before: VideoLinks, after: VideoLinks): LinkChanged[] =>
  [
    portfolioChanged(video, before.portfolio, after.portfolio),
    applyChanged(video, before.apply, after.apply),
  ].filter((change): change is LinkChanged => change !== undefined);
