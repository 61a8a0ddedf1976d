import type { ChannelSubscription, Lease, PendingRequest, SubscriptionPlan } from './subscription.ts';

/** A page of channels due for review, and where the next page starts. */
export interface DuePage {
  readonly channelIds: readonly string[];
  readonly cursor?: Record<string, unknown>;
}

/** The writes the subscription lifecycle needs; tests may run it against dynalite or replace it. */
export interface ChannelSubscriptionStore {
  read(channelId: string): Promise<ChannelSubscription | undefined>;
  /** Applies a plan unless the channel changed since `current` was read; false when it had. */
  apply(
    channelId: string,
    current: ChannelSubscription | undefined,
    plan: Exclude<SubscriptionPlan, { action: 'none' }>,
    request?: RecordedRequest,
  ): Promise<boolean>;
  recordFailure(channelId: string, reason: string, now: Date): Promise<void>;
  /** Confirms the pending request `requestId` (mode `mode`); false when it is no longer the pending one. */
  confirm(
    channelId: string,
    pending: PendingRequest,
    lease: Lease | undefined,
    reviewAt?: Date,
  ): Promise<boolean>;
  /** The hub refused the pending request: forget it and count the failure. */
  deny(channelId: string, pending: PendingRequest, reason: string, now: Date): Promise<boolean>;
  due(now: Date, limit: number, cursor?: Record<string, unknown>): Promise<DuePage>;
}

/** What a request plan records: the request sent to the hub, and the token its callback carries. */
export interface RecordedRequest {
  readonly pending: PendingRequest;
  readonly callbackToken: string;
}
