import { EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { isJsonObject } from '#shared/json.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { contraWebhook, tiktokWebhook } from '../local/platform-clients.ts';

/**
 * A creator whose profile links a TikTok account, with these videos posted through the webhooks, once each
 * video's portfolio link answers: what the funnel tests tap.
 */
export const postCreatorVideos = async (
  apiUrl: string,
  creator: { readonly profileId: string; readonly openId: string; readonly videoIds: readonly string[] },
): Promise<void> => {
  const profile = sampleOf(EVENTS.profileUpdated).detail;
  if (!isJsonObject(profile)) throw new Error('no profile sample');
  await contraWebhook(apiUrl, 'profile.updated', {
    ...profile,
    profileId: creator.profileId,
    linkedAccounts: [{ platform: 'tiktok', accountId: creator.openId }],
    updatedAt: new Date().toISOString(),
  });
  for (const videoId of creator.videoIds) {
    await tiktokWebhook(apiUrl, 'post.publish.publicly_available', creator.openId, {
      publish_id: videoId,
      post_id: videoId,
    });
  }
  for (const videoId of creator.videoIds) {
    await eventually(
      async () => ((await fetch(`${apiUrl}/links/tiktok/${videoId}`)).status === 200 ? true : undefined),
      { timeoutMs: 60_000, what: `video ${videoId}'s portfolio link` },
    );
  }
};
