import type { AccountDisconnected, VideoPosted, VideoRemoved } from '#events/catalog.ts';
import { instantKey } from '#shared/instant.ts';
import { type Delivery, FIRST_DELIVERY } from './delivery.ts';
import { linkChanges } from './link-changes.ts';
import type { LinkContext } from './link-context.ts';
import { linksOf, NO_LINKS } from './links.ts';

/**
 * Video Posted: record it, then read the video, the account and the job candidates and announce the links the
 * post turns on. Writing first closes the race with a concurrent profile or job change: either that writer's
 * fan-out (or candidate) sees the posted video, or this read sees its claim (or candidate), so one of them
 * announces. A job's writer notes its candidate on the video item before reading, so when this write finds no
 * note there is no candidate to query: the reads are the video and account items alone, coalesced with the
 * batch's other reads into one request. A repeated post changes no link and stays quiet, unless it is a
 * redelivery, which may be the retry of an attempt that wrote and stopped before announcing: that one announces
 * the current links again (at least once). One write request unit for a video item under 1 KB.
 */
export const applyVideoPosted = async (
  context: LinkContext,
  posted: VideoPosted,
  delivery: Delivery = FIRST_DELIVERY,
): Promise<void> => {
  const written = await context.videos.markPosted(posted);
  if (written.outcome === 'removed') return;
  if (written.outcome === 'refreshed' && !delivery.redelivered) return;
  const [{ video, candidates }, account] = await Promise.all([
    written.candidatesNoted
      ? context.videos.partition(posted.platform, posted.videoId)
      : context.videos.read(posted.platform, posted.videoId).then((video) => ({ video, candidates: [] })),
    context.accounts.read(posted.platform, posted.accountId),
  ]);
  // Removed since this write: the removal announced what it turned off.
  if (!video?.posted || video.removed) return;
  const after = linksOf({
    video,
    account,
    candidates,
    nowKey: context.nowKey(),
    publicBaseUrl: context.publicBaseUrl,
  });
  await context.announce(linkChanges(posted, NO_LINKS, after));
};

/** Video Removed: final. Announce the links it turns off, then record the removal (a tombstone). */
export const applyVideoRemoved = async (context: LinkContext, removed: VideoRemoved): Promise<void> => {
  const { video, candidates } = await context.videos.partition(removed.platform, removed.videoId);
  if (video?.removed) return;
  if (video?.posted) {
    const account = video.accountId
      ? await context.accounts.read(removed.platform, video.accountId)
      : undefined;
    const before = linksOf({
      video,
      account,
      candidates,
      nowKey: context.nowKey(),
      publicBaseUrl: context.publicBaseUrl,
    });
    await context.announce(linkChanges(removed, before, NO_LINKS));
  }
  await context.videos.markRemoved(removed, candidates);
};

/** Account Disconnected: the latest one counts; it cuts the owner's links until the owner updates again. */
export const applyAccountDisconnected = async (
  context: LinkContext,
  disconnected: AccountDisconnected,
): Promise<void> => {
  const write = await context.accounts.recordDisconnection(
    disconnected.platform,
    disconnected.accountId,
    instantKey(disconnected.disconnectedAt),
  );
  await context.followUp(disconnected, write);
};
