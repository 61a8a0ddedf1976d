import { randomBytes } from 'node:crypto';
import { CALLBACK_TOKEN_PARAMETER, newCallbackToken } from '#websub/callback-token.ts';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import { REQUESTED_LEASE_SECONDS } from '#websub/subscription.ts';
import { topicOfChannel } from '#websub/topics.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { replay } from '../replay.ts';
import { firstProfileVersion } from './fixtures.ts';
import type { AttackKind, HostileRun } from './hostile-run.ts';

/**
 * Forged WebSub verifications (CONTRACT §4 "YouTube subscriptions"). Channel ids are public, so while
 * ReelHire's subscribe to a channel waits for the hub's verification anyone can answer in the hub's place:
 * confirm it with a ten-year lease (after which ReelHire refuses the hub's own verification and never renews),
 * confirm an unsubscribe, or deny it. Each must be answered 404, echo nothing and change nothing stored; then
 * the hub's own verification, which carries the callback's token, must still succeed (the control), with the
 * lease recorded no longer than the one asked for.
 */

const TEN_YEARS_SECONDS = 315_360_000;

/** Links a fresh channel while the hub holds its verifications; returns it and the token its callback carries. */
const pendingSubscribe = async (run: HostileRun): Promise<{ channelId: string; token: string }> => {
  const { system } = run;
  const channelId = `UChostile${randomBytes(8).toString('hex')}`;
  const profileId = `hostile-websub-${randomBytes(4).toString('hex')}`;
  await replay(system.eventBridge, system.busName, [
    { kind: 'event', event: firstProfileVersion(profileId, [{ platform: 'youtube', accountId: channelId }]) },
  ]);
  const topic = topicOfChannel(channelId);
  const request = await eventually(
    () => system.hub.requests.find((received) => received.topic === topic && received.mode === 'subscribe'),
    { timeoutMs: 60_000, what: `ReelHire's subscribe to ${topic} at the hub` },
  );
  return { channelId, token: new URL(request.callback).searchParams.get(CALLBACK_TOKEN_PARAMETER) ?? '' };
};

export const websubAttacks = async (run: HostileRun): Promise<void> => {
  const { hub, documents, tableName, logs } = run.system;
  const channels = new DynamoChannelSubscriptions(documents, tableName);
  const grantedBefore = hub.grantedLeaseSeconds;
  const stateOf = async (channelId: string) => JSON.stringify((await channels.read(channelId)) ?? null);

  /** One forged verification GET: 404, no echo, the channel as it was. */
  const attempt = async (
    kind: AttackKind,
    name: string,
    channelId: string,
    query: Record<string, string>,
  ): Promise<void> => {
    const before = await stateOf(channelId);
    const challenge = query['hub.challenge'];
    const answer = await run.send(`/webhooks/youtube?${new URLSearchParams(query)}`);
    const unchanged = (await stateOf(channelId)) === before;
    const echoed = challenge !== undefined && answer.body.includes(challenge);
    run.record(
      kind,
      `YouTube: ${name}`,
      answer.status === 404 && !echoed && unchanged,
      `answered ${answer.status}${echoed ? ', echoed the challenge' : ''}${unchanged ? '' : ', changed the channel'}`,
    );
  };
  const challenged = (channelId: string, mode: string, extra: Record<string, string> = {}) => ({
    'hub.mode': mode,
    'hub.topic': topicOfChannel(channelId),
    'hub.challenge': `forged-${randomBytes(8).toString('hex')}`,
    ...extra,
  });

  // One channel per kind, so that neither attack is answered by the other's effect.
  const pending: { channelId: string; token: string }[] = [];
  hub.holdVerifications = true;
  try {
    const confirmed = await pendingSubscribe(run);
    pending.push(confirmed);
    const denied = await pendingSubscribe(run);
    pending.push(denied);

    await attempt(
      'forged WebSub verification',
      'a subscribe confirmed for ten years without the token',
      confirmed.channelId,
      challenged(confirmed.channelId, 'subscribe', { 'hub.lease_seconds': String(TEN_YEARS_SECONDS) }),
    );
    await attempt(
      'forged WebSub verification',
      'a subscribe confirmed with a guessed token',
      confirmed.channelId,
      challenged(confirmed.channelId, 'subscribe', { [CALLBACK_TOKEN_PARAMETER]: newCallbackToken() }),
    );
    await attempt(
      'forged WebSub verification',
      'an unsubscribe confirmed with the token, while a subscribe is pending',
      confirmed.channelId,
      challenged(confirmed.channelId, 'unsubscribe', { [CALLBACK_TOKEN_PARAMETER]: confirmed.token }),
    );
    const denial = {
      'hub.mode': 'denied',
      'hub.topic': topicOfChannel(denied.channelId),
      'hub.reason': 'forged',
    };
    await attempt('forged WebSub denial', 'a denial without the token', denied.channelId, denial);
    await attempt('forged WebSub denial', 'a denial with a guessed token', denied.channelId, {
      ...denial,
      [CALLBACK_TOKEN_PARAMETER]: newCallbackToken(),
    });
    // The control: the hub's own verifications, granting ten years, succeed and record the lease asked for.
    hub.grantedLeaseSeconds = TEN_YEARS_SECONDS;
  } finally {
    await hub.releaseVerifications();
    hub.grantedLeaseSeconds = grantedBefore;
  }

  for (const [index, { channelId }] of pending.entries()) {
    const topic = topicOfChannel(channelId);
    const verified = hub.verifications.filter((verification) => verification.topic === topic);
    const lease = (await channels.read(channelId))?.lease;
    run.record(
      index === 0 ? 'forged WebSub verification' : 'forged WebSub denial',
      'YouTube: the hub’s own verification then succeeds, its ten-year lease recorded as the one asked for',
      verified.length === 1 && verified[0]?.verified === true && lease?.seconds === REQUESTED_LEASE_SECONDS,
      `hub verifications ${JSON.stringify(verified.map((verification) => verification.status))}, lease ${lease?.seconds}`,
    );
  }
  const tokens = pending.map(({ token }) => token).filter((token) => token !== '');
  const logged = logs.filter((line) => tokens.some((token) => line.includes(token))).length;
  run.record(
    'forged WebSub verification',
    'YouTube: the callback tokens are in no log line',
    tokens.length === pending.length && logged === 0,
    `${tokens.length} of ${pending.length} callbacks with a token, in ${logged} log lines`,
  );
};
