import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { MAX_VISIBILITY_DELAY_SECONDS } from '#shared/retry-delays.ts';
import { HUB_REQUEST_ATTEMPTS, HUB_RETRY_DELAYS_SECONDS, hubRetryDelaySeconds } from '#websub/hub-retry.ts';
import { topicOfChannel } from '#websub/topics.ts';
import { EVENT_ROUTES } from '../../lib/routing.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { useSystemUnderTest } from '../support/system-under-test.ts';

const total = (delays: readonly number[]) => delays.reduce((sum, delay) => sum + delay, 0);

describe('the hub request retry schedule', () => {
  it('is one attempt per receive of the YouTubeSubscriptions queue', () => {
    expect(EVENT_ROUTES.find((route) => route.id === 'YouTubeSubscriptions')).toMatchObject({
      function: 'youtubeSubscriptions',
      queue: { maxReceiveCount: HUB_REQUEST_ATTEMPTS },
    });
  });

  it('backs off: each delay longer than the one before, from under a minute to hours', () => {
    expect(HUB_RETRY_DELAYS_SECONDS[0]).toBeLessThan(60);
    expect(HUB_RETRY_DELAYS_SECONDS.at(-1)).toBeGreaterThanOrEqual(3600);
    for (let index = 1; index < HUB_RETRY_DELAYS_SECONDS.length; index++) {
      expect(HUB_RETRY_DELAYS_SECONDS[index]).toBeGreaterThan(HUB_RETRY_DELAYS_SECONDS[index - 1]!);
    }
  });

  it('spans a few hours, jittered up to 10%, within what SQS allows', () => {
    const shortest = HUB_RETRY_DELAYS_SECONDS.map((_, index) => hubRetryDelaySeconds(index + 1, () => 0));
    const longest = HUB_RETRY_DELAYS_SECONDS.map((_, index) => hubRetryDelaySeconds(index + 1, () => 0.999));
    expect(shortest).toEqual(HUB_RETRY_DELAYS_SECONDS);
    expect(total(shortest) / 3600).toBeGreaterThan(4);
    expect(total(longest) / 3600).toBeLessThan(5);
    expect(hubRetryDelaySeconds(1, () => 0.999)).toBe(32);
    expect(Math.max(...longest)).toBeLessThanOrEqual(MAX_VISIBILITY_DELAY_SECONDS);
  });
});

/**
 * The synthesized stack on this machine: a profile links a YouTube channel while the hub is down. The bundled
 * subscription function hides its message for the first hub delay (not the queue's visibility timeout, capped
 * at 20 s here, below the first delay yet long enough for an attempt on a busy machine), and once the
 * hub is back the delayed attempt subscribes.
 */
describe('a failed hub request on the running stack', () => {
  const system = useSystemUnderTest({ maxVisibilityTimeoutSeconds: 20 });

  it('comes back after the first hub delay, and then subscribes', async () => {
    const channelId = `UChubretry${Date.now().toString(36).padStart(14, '0')}`;
    const topic = topicOfChannel(channelId);
    const queue = system.stack.queues
      .all()
      .find(
        (candidate) =>
          candidate.name.includes('YouTubeSubscriptions') &&
          !system.stack.deadLetterQueueNames.includes(candidate.name),
      );
    if (!queue) throw new Error('the stack has no YouTubeSubscriptions queue');
    system.hub.down = true;

    await system.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: system.busName,
            Source: 'reelhire.contra',
            DetailType: EVENTS.profileUpdated.detailType,
            Detail: JSON.stringify({
              profileId: `prof_${channelId}`,
              version: 1,
              handle: 'hub.retry',
              displayName: 'Hub Retry',
              portfolioUrl: 'https://contra.com/hub_retry',
              showPortfolioLink: true,
              linkedAccounts: [{ platform: 'youtube', accountId: channelId }],
              updatedAt: new Date().toISOString(),
            }),
          },
        ],
      }),
    );

    await eventually(() => system.hub.refused.includes(topic) || undefined, {
      what: 'the subscribe request the hub refuses',
    });
    // Told by the function to come back after the first hub delay, not after the queue's 20 s: a state of the
    // queue, whenever it is looked at (comparing with the clock would miss it on a slow machine).
    const hidden = await eventually(
      () =>
        queue
          .peek()
          .find(
            (message) =>
              message.receiveCount === 1 &&
              message.visibleAt - (message.firstReceivedAt ?? message.visibleAt) >=
                HUB_RETRY_DELAYS_SECONDS[0]! * 1000,
          ),
      { what: 'the failed message hidden for the first hub delay' },
    );
    const delayMs = hidden.visibleAt - (hidden.firstReceivedAt ?? 0);
    expect(delayMs).toBeGreaterThanOrEqual(HUB_RETRY_DELAYS_SECONDS[0]! * 1000);
    // The first delay (plus however long the attempt took on a busy machine), not the second.
    expect(delayMs).toBeLessThan(HUB_RETRY_DELAYS_SECONDS[1]! * 1000);

    system.hub.down = false;
    await eventually(() => system.hub.subscriptions.has(topic) || undefined, {
      intervalMs: 250,
      what: 'the delayed attempt to subscribe',
    });
    expect(queue.peek().filter((message) => message.messageId === hidden.messageId)).toEqual([]);
  });
});
