import type {
  AccountDisconnected,
  JobClosed,
  JobPublished,
  ProfileDeleted,
  ProfileUpdated,
  VideoPosted,
  VideoRemoved,
} from '#events/catalog.ts';
import { applyUrl, type VideoLinks } from '#links/links.ts';

/** One event of a history, as handlers receive them. */
export type HistoryEvent =
  | { readonly detailType: 'Video Posted'; readonly detail: VideoPosted }
  | { readonly detailType: 'Video Removed'; readonly detail: VideoRemoved }
  | { readonly detailType: 'Account Disconnected'; readonly detail: AccountDisconnected }
  | { readonly detailType: 'Profile Updated'; readonly detail: ProfileUpdated }
  | { readonly detailType: 'Profile Deleted'; readonly detail: ProfileDeleted }
  | { readonly detailType: 'Job Published'; readonly detail: JobPublished }
  | { readonly detailType: 'Job Closed'; readonly detail: JobClosed };

export const videoIdentity = (platform: string, videoId: string): string => `${platform}\u0000${videoId}`;

const latest = <T extends { version: number }>(current: T | undefined, next: T): T =>
  current === undefined || next.version > current.version ? next : current;

/**
 * The rule of CONTRACT §3 applied to a whole history at once: the links every video must end up with, whatever
 * the order and duplicates in which the events were delivered. Order-independent by construction (it keeps
 * maxima and sets), and written straight from the contract's words without the incremental engine's state or
 * helpers (its own instant arithmetic, sorting instead of scanning), so it is an independent reference that
 * the handlers are checked against and that reconciliations use.
 */
export const linksFromHistory = (
  history: readonly HistoryEvent[],
  now: Date,
  publicBaseUrl: string,
): Map<string, VideoLinks> => {
  const profiles = new Map<string, ProfileUpdated>();
  const deletedProfiles = new Set<string>();
  const jobs = new Map<string, JobPublished>();
  const closedJobs = new Set<string>();
  const videos = new Map<string, { platform: string; videoId: string; accountId: string }>();
  const removedVideos = new Set<string>();
  const disconnections = new Map<string, bigint>();

  for (const event of history) {
    switch (event.detailType) {
      case 'Video Posted': {
        const key = videoIdentity(event.detail.platform, event.detail.videoId);
        if (!videos.has(key)) videos.set(key, event.detail);
        break;
      }
      case 'Video Removed':
        removedVideos.add(videoIdentity(event.detail.platform, event.detail.videoId));
        break;
      case 'Account Disconnected': {
        const key = videoIdentity(event.detail.platform, event.detail.accountId);
        const at = epochNanos(event.detail.disconnectedAt);
        const previous = disconnections.get(key);
        if (previous === undefined || at > previous) disconnections.set(key, at);
        break;
      }
      case 'Profile Updated':
        profiles.set(event.detail.profileId, latest(profiles.get(event.detail.profileId), event.detail));
        break;
      case 'Profile Deleted':
        deletedProfiles.add(event.detail.profileId);
        break;
      case 'Job Published':
        jobs.set(event.detail.jobId, latest(jobs.get(event.detail.jobId), event.detail));
        break;
      case 'Job Closed':
        closedJobs.add(event.detail.jobId);
        break;
    }
  }

  const live = (video: { platform: string; videoId: string }) =>
    videos.has(videoIdentity(video.platform, video.videoId)) &&
    !removedVideos.has(videoIdentity(video.platform, video.videoId));
  const nowNanos = epochNanos(now.toISOString());
  const links = new Map<string, VideoLinks>();
  for (const [key, video] of videos) {
    if (!live(video)) {
      links.set(key, { portfolio: null, apply: null });
      continue;
    }
    const [owner] = [...profiles.values()]
      .filter((profile) => !deletedProfiles.has(profile.profileId))
      .filter((profile) =>
        profile.linkedAccounts.some((a) => a.platform === video.platform && a.accountId === video.accountId),
      )
      .sort((a, b) => newestFirst(a.updatedAt, b.updatedAt) || plainOrder(a.profileId, b.profileId));
    const disconnectedAt = disconnections.get(videoIdentity(video.platform, video.accountId));
    const cut = owner && disconnectedAt !== undefined && disconnectedAt >= epochNanos(owner.updatedAt);
    const [job] = [...jobs.values()]
      .filter((candidate) => !closedJobs.has(candidate.jobId))
      .filter((candidate) => candidate.closesAt === undefined || epochNanos(candidate.closesAt) > nowNanos)
      .filter((candidate) =>
        candidate.videos.some((v) => v.platform === video.platform && v.videoId === video.videoId),
      )
      .sort((a, b) => newestFirst(a.publishedAt, b.publishedAt) || plainOrder(a.jobId, b.jobId));
    links.set(key, {
      portfolio:
        owner?.showPortfolioLink && !cut ? { profileId: owner.profileId, url: owner.portfolioUrl } : null,
      apply: job ? { jobId: job.jobId, url: applyUrl(publicBaseUrl, job.jobId) } : null,
    });
  }
  return links;
};

/** Nanoseconds since the epoch of an RFC 3339 timestamp (Date.parse for the second, the fraction by hand). */
const epochNanos = (timestamp: string): bigint => {
  const fraction = /\.(\d+)/.exec(timestamp)?.[1] ?? '';
  const seconds = Date.parse(timestamp.replace(/\.\d+/, ''));
  return BigInt(seconds) * 1_000_000n + BigInt(fraction.slice(0, 9).padEnd(9, '0'));
};

const newestFirst = (a: string, b: string): number => {
  const difference = epochNanos(b) - epochNanos(a);
  return difference > 0n ? 1 : difference < 0n ? -1 : 0;
};

const plainOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
