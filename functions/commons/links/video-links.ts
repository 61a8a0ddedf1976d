import type { AccountDisconnected, VideoPosted, VideoRemoved } from '#events/catalog.ts';
import { instantKey } from '../domain/instant.ts';
import { linkChanges } from '../domain/link-changes.ts';
import { linksOf } from '../domain/links.ts';
import type { LinkContext } from './link-context.ts';

/**
 * Video Posted: announce the links the post turns on, then record it (announce first, write second: a retry
 * after a failed write announces again, while a duplicate delivery finds nothing changed and stays quiet).
 * One write request unit for a video item under 1 KB.
 */
export const applyVideoPosted = async (context: LinkContext, posted: VideoPosted): Promise<void> => {
  const [{ video, candidates }, account] = await Promise.all([
    context.videos.partition(posted.platform, posted.videoId),
    context.accounts.read(posted.platform, posted.accountId),
  ]);
  if (video?.removed) return;
  // A duplicate delivery changes nothing: no write, no announcement.
  if (video?.posted && video.url === posted.url && video.caption === posted.caption) return;
  if (!video?.posted) {
    const inputs = { account, candidates, nowKey: context.nowKey(), publicBaseUrl: context.publicBaseUrl };
    const before = linksOf({ ...inputs, video });
    const after = linksOf({ ...inputs, video: { posted: true, removed: false } });
    await context.announce(linkChanges(posted, before, after));
  }
  await context.videos.markPosted(posted);
};

/** Video Removed: final. Announce the links it turns off, then record the removal. */
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
    await context.announce(linkChanges(removed, before, { portfolio: null, apply: null }));
  }
  await context.videos.markRemoved(removed);
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
