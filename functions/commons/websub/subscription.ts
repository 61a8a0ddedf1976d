/**
 * A YouTube channel's WebSub subscription, and what to do about it (pure: no AWS, no clock of its own).
 * ReelHire keeps one subscription per channel that some live profile links, renews it well before its lease
 * ends, and unsubscribes when no live profile links the channel any more (CONTRACT §4 "YouTube subscriptions").
 */

export type HubMode = 'subscribe' | 'unsubscribe';

/**
 * A request sent to the hub and not yet verified: the only kind the verification GET may confirm, and only
 * when it carries the channel's callback token.
 */
export interface PendingRequest {
  readonly mode: HubMode;
  readonly topic: string;
  readonly requestedAt: string;
  /** Tells this request from a later one with the same mode, so a stale verification cannot confirm it. */
  readonly requestId: string;
}

/** What the hub granted when it last verified a subscribe request. */
export interface Lease {
  readonly seconds: number;
  readonly grantedAt: string;
  readonly expiresAt: string;
}

export interface ChannelSubscription {
  readonly channelId: string;
  readonly topic: string;
  /** What ReelHire wants, from the last time the channel's linked state was read. */
  readonly desired: 'subscribed' | 'unsubscribed';
  /** The secret in the callback of every hub request for this channel (callback-token.ts). */
  readonly callbackToken?: string;
  readonly pending?: PendingRequest;
  readonly lease?: Lease;
  /** When the renewal schedule should look at the channel again (absent when it need not). */
  readonly reviewAt?: string;
  /** Hub requests that failed since the last verification, and why the last one did. */
  readonly failures: number;
  readonly lastFailure?: string;
  /** Bumped by every write that changes the plan, so that two writers cannot both act on one reading. */
  readonly revision: number;
}

/** The lease ReelHire asks for: YouTube's hub grants about five days. */
export const REQUESTED_LEASE_SECONDS = 432_000;
/** A lease is renewed once it ends within a day (or within half of it, for leases shorter than two days). */
const RENEWAL_MARGIN_SECONDS = 86_400;
/** A subscribe request not verified within this long is sent again by the renewal schedule. */
export const VERIFICATION_GRACE_SECONDS = 3_600;

const plusSeconds = (instant: Date, seconds: number): Date => new Date(instant.getTime() + seconds * 1000);

export const leaseExpiry = (grantedAt: Date, seconds: number): Date => plusSeconds(grantedAt, seconds);

/** When a lease should be renewed. */
export const renewalTime = (lease: Lease): Date =>
  plusSeconds(new Date(lease.expiresAt), -Math.min(RENEWAL_MARGIN_SECONDS, lease.seconds / 2));

const isActive = (lease: Lease | undefined, now: Date): lease is Lease =>
  lease !== undefined && new Date(lease.expiresAt).getTime() > now.getTime();

export type SubscriptionPlan =
  /** Nothing to write, nothing to send. */
  | { readonly action: 'none' }
  /** The subscription stands; only make sure the renewal schedule finds it at `reviewAt`. */
  | { readonly action: 'keep'; readonly reviewAt: Date }
  /** Record a pending request and send it to the hub; a subscribe is reviewed again at `reviewAt`. */
  | { readonly action: 'request'; readonly mode: 'subscribe'; readonly reviewAt: Date }
  | { readonly action: 'request'; readonly mode: 'unsubscribe' }
  /** Not wanted and nothing left at the hub: take it off the renewal schedule. */
  | { readonly action: 'forget' };

/**
 * What to do about a channel, given whether some live profile links it now. Idempotent: a repeated or late
 * `Channel Subscription Wanted` re-sends at most a request the hub treats as a no-op.
 */
export const planSubscription = (
  current: ChannelSubscription | undefined,
  linked: boolean,
  now: Date,
): SubscriptionPlan => {
  const lease = current?.lease;
  if (linked) {
    const unsubscribing = current?.pending?.mode === 'unsubscribe';
    if (isActive(lease, now) && now.getTime() < renewalTime(lease).getTime() && !unsubscribing) {
      const reviewAt = renewalTime(lease);
      const scheduled = current?.desired === 'subscribed' && current.reviewAt === reviewAt.toISOString();
      return scheduled ? { action: 'none' } : { action: 'keep', reviewAt };
    }
    return { action: 'request', mode: 'subscribe', reviewAt: plusSeconds(now, VERIFICATION_GRACE_SECONDS) };
  }
  if (current === undefined) return { action: 'none' };
  if (isActive(lease, now) || current.pending?.mode === 'subscribe')
    return { action: 'request', mode: 'unsubscribe' };
  return current.desired === 'subscribed' || current.reviewAt !== undefined
    ? { action: 'forget' }
    : { action: 'none' };
};
