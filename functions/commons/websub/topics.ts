import { id } from '#events/fields.ts';

/** YouTube's WebSub topic of a channel's uploads (developers.google.com/youtube/v3/guides/push_notifications). */
const FEED_URL = 'https://www.youtube.com/xml/feeds/videos.xml';
const CHANNEL_PARAMETER = 'channel_id';

export const topicOfChannel = (channelId: string): string =>
  `${FEED_URL}?${new URLSearchParams({ [CHANNEL_PARAMETER]: channelId })}`;

/**
 * The channel a topic names, when it is exactly a topic ReelHire would ask for (the same url with one
 * `channel_id`); anything else names no channel.
 */
export const channelOfTopic = (topic: string): string | undefined => {
  if (!URL.canParse(topic)) return undefined;
  const url = new URL(topic);
  const channels = url.searchParams.getAll(CHANNEL_PARAMETER);
  const [channelId] = channels;
  if (channels.length !== 1 || channelId === undefined || !id.safeParse(channelId).success) return undefined;
  return topicOfChannel(channelId) === topic ? channelId : undefined;
};
