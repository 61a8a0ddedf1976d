import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The secret in `hub.callback`'s query string (CONTRACT §4 "YouTube subscriptions"). Channel ids, and so
 * topics, are public: without it anyone could answer for the hub. One token per channel subscription, sent
 * with its subscribe, every renewal and its unsubscribe (a hub keys a subscription by topic and callback), so
 * that only the hub that received it can confirm ReelHire's request. It is never logged.
 */

export const CALLBACK_TOKEN_PARAMETER = 'token';

/** 256 random bits, url-safe. */
export const newCallbackToken = (): string => randomBytes(32).toString('base64url');

/** The callback url of every hub request: ReelHire's WebSub notification route. */
export const youtubeCallbackUrl = (publicBaseUrl: string): string =>
  `${publicBaseUrl.replace(/\/+$/, '')}/webhooks/youtube`;

/** The callback a hub is given: ReelHire's callback url with the channel's token in its query string. */
export const callbackWithToken = (callbackUrl: string, token: string): string => {
  const url = new URL(callbackUrl);
  url.searchParams.set(CALLBACK_TOKEN_PARAMETER, token);
  return url.toString();
};

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * True when the token presented is the channel's. Both are hashed first, so the two digests have the same
 * length whatever the tokens' lengths, and they are compared in constant time.
 */
export const isChannelToken = (presented: string | undefined, channelToken: string | undefined): boolean =>
  presented !== undefined &&
  channelToken !== undefined &&
  timingSafeEqual(digest(channelToken), digest(presented));
