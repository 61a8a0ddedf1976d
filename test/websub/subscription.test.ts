import { describe, expect, it } from 'vitest';
import {
  CALLBACK_TOKEN_PARAMETER,
  callbackWithToken,
  isChannelToken,
  newCallbackToken,
} from '#websub/callback-token.ts';
import {
  type ChannelSubscription,
  planSubscription,
  renewalTime,
  VERIFICATION_GRACE_SECONDS,
} from '#websub/subscription.ts';
import { channelOfTopic, topicOfChannel } from '#websub/topics.ts';
import { readChallenge } from '#websub/verification.ts';

const NOW = new Date('2026-11-22T10:00:00Z');
const DAY = 86_400_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();

const subscribed = (overrides: Partial<ChannelSubscription> = {}): ChannelSubscription => ({
  channelId: 'UCmaya',
  topic: topicOfChannel('UCmaya'),
  desired: 'subscribed',
  lease: { seconds: 432_000, grantedAt: at(-DAY), expiresAt: at(4 * DAY) },
  reviewAt: at(3 * DAY),
  failures: 0,
  revision: 3,
  ...overrides,
});

describe('planSubscription', () => {
  it('subscribes a linked channel that has no subscription, reviewing it an hour later', () => {
    expect(planSubscription(undefined, true, NOW)).toEqual({
      action: 'request',
      mode: 'subscribe',
      reviewAt: new Date(NOW.getTime() + VERIFICATION_GRACE_SECONDS * 1000),
    });
  });

  it('leaves a linked channel alone while its lease stands and it is scheduled for renewal', () => {
    expect(planSubscription(subscribed(), true, NOW)).toEqual({ action: 'none' });
  });

  it('reschedules a standing subscription whose review time is not its renewal time', () => {
    expect(planSubscription(subscribed({ reviewAt: at(1000) }), true, NOW)).toEqual({
      action: 'keep',
      reviewAt: new Date(NOW.getTime() + 3 * DAY),
    });
  });

  it('re-subscribes once the lease ends within a day, or has ended', () => {
    const ending = subscribed({
      lease: { seconds: 432_000, grantedAt: at(-4 * DAY), expiresAt: at(DAY - 1) },
    });
    const ended = subscribed({ lease: { seconds: 432_000, grantedAt: at(-6 * DAY), expiresAt: at(-1) } });
    expect(planSubscription(ending, true, NOW)).toMatchObject({ action: 'request', mode: 'subscribe' });
    expect(planSubscription(ended, true, NOW)).toMatchObject({ action: 'request', mode: 'subscribe' });
  });

  it('subscribes again when relinked while an unsubscribe is pending', () => {
    const unsubscribing = subscribed({
      desired: 'unsubscribed',
      pending: {
        mode: 'unsubscribe',
        topic: topicOfChannel('UCmaya'),
        requestedAt: at(-1000),
        requestId: 'r1',
      },
    });
    expect(planSubscription(unsubscribing, true, NOW)).toMatchObject({
      action: 'request',
      mode: 'subscribe',
    });
  });

  it('unsubscribes an unlinked channel with a standing lease or a pending subscribe', () => {
    const subscribing = subscribed({
      lease: undefined,
      pending: {
        mode: 'subscribe',
        topic: topicOfChannel('UCmaya'),
        requestedAt: at(-1000),
        requestId: 'r1',
      },
    });
    expect(planSubscription(subscribed(), false, NOW)).toEqual({ action: 'request', mode: 'unsubscribe' });
    expect(planSubscription(subscribing, false, NOW)).toEqual({ action: 'request', mode: 'unsubscribe' });
  });

  it('forgets an unlinked channel whose lease has lapsed, and then does nothing', () => {
    const lapsed = subscribed({ lease: { seconds: 60, grantedAt: at(-DAY), expiresAt: at(-1) } });
    expect(planSubscription(lapsed, false, NOW)).toEqual({ action: 'forget' });
    expect(planSubscription({ ...lapsed, desired: 'unsubscribed', reviewAt: undefined }, false, NOW)).toEqual(
      {
        action: 'none',
      },
    );
    expect(planSubscription(undefined, false, NOW)).toEqual({ action: 'none' });
  });

  it('renews a day before the end, or half-way through a lease shorter than two days', () => {
    expect(renewalTime({ seconds: 432_000, grantedAt: at(0), expiresAt: at(5 * DAY) }).toISOString()).toBe(
      at(4 * DAY),
    );
    expect(renewalTime({ seconds: 3_600, grantedAt: at(0), expiresAt: at(3_600_000) }).toISOString()).toBe(
      at(1_800_000),
    );
  });
});

describe('topics', () => {
  it('round-trips a channel through its feed topic', () => {
    expect(topicOfChannel('UCx9mayaDesignsChannel01')).toBe(
      'https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCx9mayaDesignsChannel01',
    );
    expect(channelOfTopic(topicOfChannel('UC a&b'))).toBe('UC a&b');
  });

  it.each([
    'https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCa&channel_id=UCb',
    'https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCa&x=1',
    'http://www.youtube.com/xml/feeds/videos.xml?channel_id=UCa',
    'https://evil.example/xml/feeds/videos.xml?channel_id=UCa',
    'https://www.youtube.com/xml/feeds/videos.xml?channel_id=',
    `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${'a'.repeat(129)}`,
    'not a url',
  ])('names no channel for %s', (topic) => {
    expect(channelOfTopic(topic)).toBeUndefined();
  });
});

describe('readChallenge', () => {
  const topic = topicOfChannel('UCmaya');

  it('reads a subscribe verification with its lease', () => {
    expect(
      readChallenge({
        'hub.mode': 'subscribe',
        'hub.topic': topic,
        'hub.challenge': 'abc',
        'hub.lease_seconds': '432000',
      }),
    ).toEqual({ mode: 'subscribe', topic, challenge: 'abc', leaseSeconds: 432_000 });
  });

  it.each([
    [{ 'hub.mode': 'subscribe', 'hub.topic': topic }],
    [{ 'hub.mode': 'publish', 'hub.topic': topic, 'hub.challenge': 'abc' }],
    [{ 'hub.mode': 'subscribe', 'hub.challenge': 'abc' }],
    [{ 'hub.mode': 'subscribe', 'hub.topic': topic, 'hub.challenge': 'x'.repeat(1025) }],
  ])('refuses %j', (query) => {
    expect(readChallenge(query)).toBeUndefined();
  });

  it('reads the callback token of a verification and of a denial, and drops an overlong one', () => {
    const token = newCallbackToken();
    expect(
      readChallenge({
        'hub.mode': 'unsubscribe',
        'hub.topic': topic,
        'hub.challenge': 'abc',
        [CALLBACK_TOKEN_PARAMETER]: token,
      }),
    ).toEqual({ mode: 'unsubscribe', topic, challenge: 'abc', token });
    expect(
      readChallenge({ 'hub.mode': 'denied', 'hub.topic': topic, [CALLBACK_TOKEN_PARAMETER]: token }),
    ).toEqual({ mode: 'denied', topic, reason: 'no reason given', token });
    expect(
      readChallenge({
        'hub.mode': 'subscribe',
        'hub.topic': topic,
        'hub.challenge': 'abc',
        [CALLBACK_TOKEN_PARAMETER]: 'x'.repeat(257),
      }),
    ).toEqual({ mode: 'subscribe', topic, challenge: 'abc' });
  });

  it('ignores a lease that is not a sane number of seconds', () => {
    for (const lease of ['-1', '0', '1e6', '99999999999', 'soon']) {
      expect(
        readChallenge({
          'hub.mode': 'subscribe',
          'hub.topic': topic,
          'hub.challenge': 'c',
          'hub.lease_seconds': lease,
        }),
      ).not.toHaveProperty('leaseSeconds');
    }
  });
});

describe('callback token', () => {
  it('is 256 random bits, url-safe, new each time', () => {
    const tokens = new Set(Array.from({ length: 100 }, newCallbackToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('goes in the callback’s query string, the rest of the url unchanged', () => {
    expect(callbackWithToken('https://api.example.com/prod/webhooks/youtube', 'abc-_1')).toBe(
      'https://api.example.com/prod/webhooks/youtube?token=abc-_1',
    );
  });

  it('matches only the channel’s own token', () => {
    const token = newCallbackToken();
    expect(isChannelToken(token, token)).toBe(true);
    for (const presented of [undefined, '', token.slice(0, -1), `${token}A`, newCallbackToken()])
      expect(isChannelToken(presented, token)).toBe(false);
    // A channel written before tokens has none: nothing matches it, not even no token.
    expect(isChannelToken(undefined, undefined)).toBe(false);
    expect(isChannelToken('', undefined)).toBe(false);
  });
});
