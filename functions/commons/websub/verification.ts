import { CALLBACK_TOKEN_PARAMETER, isChannelToken } from './callback-token.ts';
import type { ChannelSubscriptionStore } from './channel-subscription-store.ts';
import { type HubMode, type Lease, leaseExpiry, renewalTime } from './subscription.ts';
import { channelOfTopic } from './topics.ts';

/**
 * The hub's verification GET (WebSub §5.3): the hub asks whether ReelHire really wants `hub.mode` for
 * `hub.topic` and expects `hub.challenge` echoed back. Only a topic with a pending request of ReelHire's own,
 * with the same mode and the channel's callback token, is confirmed; anything else is refused (404) and changes
 * nothing, so nobody can subscribe ReelHire's callback to anything, unsubscribe it, or answer (or deny) in the
 * hub's place a request they saw coming: channel ids are public, the token went only to the hub.
 */

export type Challenge = (
  | {
      readonly mode: HubMode;
      readonly topic: string;
      readonly challenge: string;
      readonly leaseSeconds?: number;
    }
  /** The hub refused a subscription (WebSub §5.2): no challenge, just the reason. */
  | { readonly mode: 'denied'; readonly topic: string; readonly reason: string }
) & {
  /** The callback token the query carries, if any (callback-token.ts). */
  readonly token?: string;
};

export type ChallengeAnswer =
  | { readonly confirmed: true; readonly challenge: string }
  | { readonly confirmed: false };

/** The verification query as the HTTP API passes it (`hub.mode`, `hub.topic`, …). */
export type VerificationQuery = Readonly<Record<string, string | undefined>>;

/** The port the webhooks handler answers verification requests through. */
export interface SubscriptionVerifier {
  answer(query: VerificationQuery, now: Date): Promise<ChallengeAnswer>;
}

const MAX_CHALLENGE_LENGTH = 1_024;
const MAX_TOPIC_LENGTH = 2_048;
/** Far above a real token's 43 characters; a longer one is not worth hashing. */
const MAX_TOKEN_LENGTH = 256;
/** Ten years: beyond any lease a hub grants; a larger value is not a lease. */
const MAX_LEASE_SECONDS = 315_360_000;

const leaseSecondsOf = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,9}$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_LEASE_SECONDS
    ? Number(value)
    : undefined;

/** Reads the verification query (`hub.mode`, `hub.topic`, `hub.challenge`, `hub.lease_seconds`, the token). */
export const readChallenge = (query: VerificationQuery): Challenge | undefined => {
  const mode = query['hub.mode'];
  const topic = query['hub.topic'];
  if (topic === undefined || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) return undefined;
  const token = query[CALLBACK_TOKEN_PARAMETER];
  const carried = token !== undefined && token.length <= MAX_TOKEN_LENGTH ? { token } : {};
  if (mode === 'denied')
    return { mode, topic, reason: (query['hub.reason'] ?? 'no reason given').slice(0, 256), ...carried };
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' && mode !== 'unsubscribe') return undefined;
  if (challenge === undefined || challenge.length === 0 || challenge.length > MAX_CHALLENGE_LENGTH)
    return undefined;
  const leaseSeconds = leaseSecondsOf(query['hub.lease_seconds']);
  return { mode, topic, challenge, ...(leaseSeconds !== undefined ? { leaseSeconds } : {}), ...carried };
};

const REFUSED: ChallengeAnswer = { confirmed: false };

export class WebSubVerification implements SubscriptionVerifier {
  constructor(
    private readonly channels: ChannelSubscriptionStore,
    /**
     * The lease ReelHire asks for, and the most it records whatever the hub says it granted: renewing on the
     * lease asked for costs at worst an early request, trusting a longer one the hub does not keep silences
     * the channel. Also the lease assumed when the hub says nothing.
     */
    private readonly requestedLeaseSeconds: number,
  ) {}

  async answer(query: VerificationQuery, now: Date): Promise<ChallengeAnswer> {
    const challenge = readChallenge(query);
    if (challenge === undefined) return REFUSED;
    const channelId = channelOfTopic(challenge.topic);
    if (channelId === undefined) return REFUSED;
    const channel = await this.channels.read(channelId);
    if (channel?.pending === undefined || channel.pending.topic !== challenge.topic) return REFUSED;
    // The token is written with each pending request (the same write), so the conditional confirm or deny
    // below, which names the request, cannot act on a token other than the one checked here.
    if (!isChannelToken(challenge.token, channel.callbackToken)) return REFUSED;
    const { pending } = channel;

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
    const seconds = Math.min(
      challenge.leaseSeconds ?? this.requestedLeaseSeconds,
      this.requestedLeaseSeconds,
    );
    const lease: Lease = {
      seconds,
      grantedAt: now.toISOString(),
      expiresAt: leaseExpiry(now, seconds).toISOString(),
    };
    const confirmed = await this.channels.confirm(channelId, pending, lease, renewalTime(lease));
    return confirmed ? { confirmed: true, challenge: challenge.challenge } : REFUSED;
  }
}
