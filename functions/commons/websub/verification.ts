import type { ChannelSubscriptionStore } from './channel-subscriptions.ts';
import { type HubMode, type Lease, leaseExpiry, renewalTime } from './subscription.ts';
import { channelOfTopic } from './topics.ts';

/**
 * The hub's verification GET (WebSub §5.3): the hub asks whether ReelHire really wants `hub.mode` for
 * `hub.topic` and expects `hub.challenge` echoed back. Only a topic with a pending request of ReelHire's own,
 * with the same mode, is confirmed; anything else is refused (404), so nobody can subscribe ReelHire's
 * callback to anything, or unsubscribe it, by asking the hub.
 */

export type Challenge =
  | {
      readonly mode: HubMode;
      readonly topic: string;
      readonly challenge: string;
      readonly leaseSeconds?: number;
    }
  /** The hub refused a subscription (WebSub §5.2): no challenge, just the reason. */
  | { readonly mode: 'denied'; readonly topic: string; readonly reason: string };

export type ChallengeAnswer =
  | { readonly confirmed: true; readonly challenge: string }
  | { readonly confirmed: false };

/** The port the webhooks handler answers verification requests through. */
export interface SubscriptionVerifier {
  answer(challenge: Challenge | undefined, now: Date): Promise<ChallengeAnswer>;
}

const MAX_CHALLENGE_LENGTH = 1_024;
const MAX_TOPIC_LENGTH = 2_048;
/** Ten years: beyond any lease a hub grants; a larger value is not a lease. */
const MAX_LEASE_SECONDS = 315_360_000;

const leaseSecondsOf = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,9}$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_LEASE_SECONDS
    ? Number(value)
    : undefined;

/** Reads the verification query (`hub.mode`, `hub.topic`, `hub.challenge`, `hub.lease_seconds`). */
export const readChallenge = (query: Readonly<Record<string, string | undefined>>): Challenge | undefined => {
  const mode = query['hub.mode'];
  const topic = query['hub.topic'];
  if (topic === undefined || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) return undefined;
  if (mode === 'denied')
    return { mode, topic, reason: (query['hub.reason'] ?? 'no reason given').slice(0, 256) };
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' && mode !== 'unsubscribe') return undefined;
  if (challenge === undefined || challenge.length === 0 || challenge.length > MAX_CHALLENGE_LENGTH)
    return undefined;
  const leaseSeconds = leaseSecondsOf(query['hub.lease_seconds']);
  return { mode, topic, challenge, ...(leaseSeconds !== undefined ? { leaseSeconds } : {}) };
};

const REFUSED: ChallengeAnswer = { confirmed: false };

export class WebSubVerification implements SubscriptionVerifier {
  constructor(
    private readonly channels: ChannelSubscriptionStore,
    /** The lease assumed when a hub confirms a subscribe without saying what it granted. */
    private readonly requestedLeaseSeconds: number,
  ) {}

  async answer(challenge: Challenge | undefined, now: Date): Promise<ChallengeAnswer> {
    if (challenge === undefined) return REFUSED;
    const channelId = channelOfTopic(challenge.topic);
    if (channelId === undefined) return REFUSED;
    const pending = (await this.channels.read(channelId))?.pending;
    if (pending === undefined || pending.topic !== challenge.topic) return REFUSED;

    if (challenge.mode === 'denied') {
      if (pending.mode !== 'subscribe') return REFUSED;
      const denied = await this.channels.deny(channelId, pending, challenge.reason, now);
      return denied ? { confirmed: true, challenge: '' } : REFUSED;
    }
    if (pending.mode !== challenge.mode) return REFUSED;
    if (challenge.mode === 'unsubscribe') {
      const confirmed = await this.channels.confirm(channelId, pending, undefined);
      return confirmed ? { confirmed: true, challenge: challenge.challenge } : REFUSED;
    }
    const seconds = challenge.leaseSeconds ?? this.requestedLeaseSeconds;
    const lease: Lease = {
      seconds,
      grantedAt: now.toISOString(),
      expiresAt: leaseExpiry(now, seconds).toISOString(),
    };
    const confirmed = await this.channels.confirm(channelId, pending, lease, renewalTime(lease));
    return confirmed ? { confirmed: true, challenge: challenge.challenge } : REFUSED;
  }
}
