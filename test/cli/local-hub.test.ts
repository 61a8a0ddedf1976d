import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { parseDetail } from '#events/parse.ts';
import { sampleOf } from '#events/samples.ts';
import { topicOfChannel } from '#websub/topics.ts';
import { eventually } from '../../local/testing/eventually.ts';
import type { Verification } from '../../local/websub-hub.ts';
import { isListening, type RunningNpmStart } from '../support/npm-start.ts';
import { startStack } from '../support/npm-start-stack.ts';
import { type CliResult, reelhire } from '../support/reelhire-cli.ts';

/**
 * `npm start` offline, as a new user runs it: no YOUTUBE_HUB_URL, so a profile that links a YouTube channel
 * subscribes at the stack's own WebSub hub, which verifies the subscription against the stack's callback and
 * then delivers the channel's notifications to it. Nothing contacts Google's public hub.
 */

const channelId = parseDetail('profileUpdated', sampleOf(EVENTS.profileUpdated).detail).linkedAccounts.find(
  (account) => account.platform === 'youtube',
)!.accountId;
const topic = topicOfChannel(channelId);

interface HubState {
  readonly url: string;
  readonly local: boolean;
  readonly subscriptions: readonly { readonly topic: string; readonly leaseSeconds: number }[];
  readonly verifications: readonly Verification[];
}

let stack: RunningNpmStart;
let hubUrl: string;

const hubState = async (): Promise<HubState> =>
  (await (await fetch(`${stack.url}/_local/websub-hub`)).json()) as HubState;

const cli = (...args: string[]): Promise<CliResult> => reelhire(args, { env: { REELHIRE_URL: stack.url } });
const ok = async (...args: string[]): Promise<CliResult> => {
  const result = await cli(...args);
  expect(result.code, `reelhire ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result;
};

beforeAll(async () => {
  stack = await startStack();
  hubUrl =
    /^ {2}WebSub hub +(http:\/\/127\.0\.0\.1:\d+\/subscribe) {2}\(local, run by this stack/m.exec(
      stack.output(),
    )?.[1] ?? '';
});
afterAll(async () => {
  await stack?.stop('SIGINT');
});

describe('npm start runs its own WebSub hub', () => {
  it('says where the hub is and that it is local', async () => {
    expect(hubUrl, stack.output()).not.toBe('');
    expect(await hubState()).toEqual({ url: hubUrl, local: true, subscriptions: [], verifications: [] });
  });

  it('link → subscribe at the local hub → verified; notifications through the hub → link, then no link', async () => {
    const profileId = `prof_${randomUUID().slice(0, 8)}`;
    await ok('trigger', 'contra.profile-updated', '--profile-id', profileId, '--version', '1');
    const subscription = await eventually(
      async () => (await hubState()).subscriptions.find((candidate) => candidate.topic === topic),
      { what: `the local hub to verify the subscription to ${topic}` },
    );
    expect(subscription.leaseSeconds).toBeGreaterThan(0);
    expect((await hubState()).verifications).toEqual([
      { mode: 'subscribe', topic, status: 200, verified: true },
    ]);
    expect(stack.output()).toContain(`[websub-hub] verified: subscribe ${topic}`);

    // A new video, the way YouTube tells it: the hub delivers it to the subscriber, signed with its secret.
    const videoId = `yt${randomUUID().replaceAll('-', '').slice(0, 9)}`;
    const posted = await ok('trigger', 'youtube.video-posted', '--via-hub', '--video-id', videoId, '--json');
    expect(JSON.parse(posted.stdout)).toMatchObject({
      response: { status: 200, body: { topic, callbackStatus: 200 } },
    });
    const links = JSON.parse((await ok('links', 'youtube', videoId, '--wait', '--json')).stdout) as {
      portfolio: { profileId: string } | null;
    };
    expect(links.portfolio?.profileId).toBe(profileId);

    await ok('trigger', 'youtube.video-removed', '--via-hub', '--video-id', videoId);
    await eventually(
      async () => ((await fetch(`${stack.url}/links/youtube/${videoId}`)).status === 404 ? true : undefined),
      { what: `youtube video ${videoId} to lose its links` },
    );

    // A channel nobody linked has no subscriber: the hub delivers nothing, and the command says why.
    const unlinked = await cli(
      'trigger',
      'youtube.video-posted',
      '--via-hub',
      '--account-id',
      'UCnobodyLinksThis',
    );
    expect(unlinked.code).toBe(1);
    expect(unlinked.stderr).toMatch(/answered 404 .*no verified subscriber/);

    expect(stack.output()).not.toMatch(/pubsubhubbub|ENOTFOUND/);
  });

  it('stops its hub with the stack', async () => {
    const hubPort = Number(new URL(hubUrl).port);
    expect(await isListening(hubPort)).toBe(true);
    await stack.stop('SIGINT');
    expect(stack.output()).toContain('Stopped.');
    expect(await isListening(hubPort)).toBe(false);
  });
});
