import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { sampleOf } from '#events/samples.ts';
import { topicOfChannel } from '#websub/topics.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { youtubeEntry, youtubeFeed } from '../../local/testing/platform-deliveries.ts';
import { type LocalHub, startLocalHub } from '../../local/websub-hub.ts';
import type { RunningNpmStart } from '../support/npm-start.ts';
import { startStack } from '../support/npm-start-stack.ts';
import { type CliResult, reelhire } from '../support/reelhire-cli.ts';

/**
 * `npm start` with YOUTUBE_HUB_URL pointing at another WebSub hub (the one `npm run hub` runs): a profile that
 * links a YouTube channel makes ReelHire subscribe, the hub verifies against `npm start`'s callback, delivers a
 * signed notification that gives the new video its portfolio link, and the profile's deletion unsubscribes.
 */

const channelId = parseDetail('profileUpdated', sampleOf(EVENTS.profileUpdated).detail).linkedAccounts.find(
  (account) => account.platform === 'youtube',
)!.accountId;
const topic = topicOfChannel(channelId);

let hub: LocalHub;
let stack: RunningNpmStart;
const hubLog: string[] = [];

const ok = async (...args: string[]): Promise<CliResult> => {
  const result = await reelhire(args, { env: { REELHIRE_URL: stack.url } });
  expect(result.code, `reelhire ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result;
};

beforeAll(async () => {
  hub = await startLocalHub({ log: (line) => hubLog.push(line) });
  stack = await startStack({ YOUTUBE_HUB_URL: hub.url });
});
afterAll(async () => {
  await stack?.stop('SIGINT');
  await hub?.close();
});

describe('the YouTube subscription lifecycle on npm start', () => {
  it('link → subscribe → verified → notified → portfolio link; delete → unsubscribe → verified', async () => {
    const profileId = `prof_${randomUUID().slice(0, 8)}`;
    await ok('trigger', 'contra.profile-updated', '--profile-id', profileId, '--version', '1');

    await eventually(() => hub.subscriptions.get(topic), {
      what: `the hub to verify the subscription to ${topic}`,
    });
    // The callback carries the channel's secret token, which no log line shows.
    const [subscribe] = hub.requests.filter((request) => request.topic === topic);
    const token = new URL(subscribe?.callback ?? stack.url).searchParams.get('token') ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hub.requests.filter((request) => request.topic === topic)).toEqual([
      expect.objectContaining({
        mode: 'subscribe',
        callback: `${stack.url}/webhooks/youtube?token=${token}`,
        contentType: expect.stringContaining('application/x-www-form-urlencoded'),
        leaseSeconds: expect.any(Number),
      }),
    ]);
    expect(hubLog).toContain(`verified: subscribe ${topic}`);

    // The hub delivers a new video, signed with the secret ReelHire subscribed with.
    const videoId = `yt${randomUUID().replaceAll('-', '').slice(0, 9)}`;
    const status = await hub.publish(
      topic,
      youtubeFeed(youtubeEntry({ videoId, channelId, published: new Date().toISOString() })),
    );
    expect(status).toBe(200);
    const links = await eventually(
      async () => {
        const response = await fetch(`${stack.url}/links/youtube/${videoId}`);
        return response.status === 200 ? ((await response.json()) as { portfolio: unknown }) : undefined;
      },
      { what: `video ${videoId} to get its portfolio link` },
    );
    expect(links.portfolio).toMatchObject({ profileId });

    await ok('trigger', 'contra.profile-deleted', '--profile-id', profileId, '--version', '2');
    await eventually(() => (hub.subscriptions.has(topic) ? undefined : true), {
      what: `the hub to verify the unsubscription from ${topic}`,
    });
    expect(
      hub.requests
        .filter((request) => request.topic === topic)
        .map((request) => [request.mode, request.callback]),
    ).toEqual([
      ['subscribe', subscribe?.callback],
      ['unsubscribe', subscribe?.callback],
    ]);
    expect(hubLog).toContain(`verified: unsubscribe ${topic}`);
    expect([...hubLog, stack.output()].filter((line) => line.includes(token))).toEqual([]);
  });

  it('runs no hub of its own, so `trigger --via-hub` says to publish at YOUTUBE_HUB_URL', async () => {
    expect(stack.output()).toContain(`WebSub hub      ${hub.url}  (YOUTUBE_HUB_URL)`);
    const result = await reelhire(['trigger', 'youtube.video-posted', '--via-hub'], {
      env: { REELHIRE_URL: stack.url },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `reelhire: the stack's hub answered 409 to youtube.video-posted: the stack subscribes at ${hub.url} (YOUTUBE_HUB_URL), not at a hub of its own: publish there\n`,
    );
  });
});
