import { randomUUID } from 'node:crypto';
import type { Platform } from '#events/fields.ts';
import type { ChannelSubscriptionStore } from './channel-subscriptions.ts';
import { type HubClient, HubRequestError } from './hub-client.ts';
import { type HubMode, type PendingRequest, planSubscription } from './subscription.ts';
import { topicOfChannel } from './topics.ts';

/** Whether some live profile's latest version lists an account (the link handlers' AccountStore). */
export interface LinkedAccounts {
  isLinked(platform: Platform, accountId: string): Promise<boolean>;
}

export interface SubscriptionManagerPorts {
  readonly channels: ChannelSubscriptionStore;
  readonly accounts: LinkedAccounts;
  readonly hub: HubClient;
  /** The hub secret sent with every request (the first YOUTUBE_HUB_SECRET value). */
  readonly hubSecret: () => Promise<string>;
  readonly clock: () => Date;
  /** `<public base url>/webhooks/youtube`. */
  readonly callbackUrl: string;
  readonly leaseSeconds: number;
}

/** Another writer changed the channel between every reading and writing: the message is retried later. */
export class ChannelContentionError extends Error {
  override readonly name = 'ChannelContentionError';
}

const ATTEMPTS = 3;

/**
 * Brings one channel's subscription in line with whether some live profile links it: reads the channel's
 * state first and the linked state second, writes the plan conditionally on the state read (a concurrent
 * writer makes it read again), and only then asks the hub, whose verification GET may come at once.
 */
export class SubscriptionManager {
  constructor(private readonly ports: SubscriptionManagerPorts) {}

  /** The request sent to the hub, if any. Throws HubRequestError when the hub did not accept it. */
  async reconcile(channelId: string): Promise<HubMode | undefined> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const now = this.ports.clock();
      const current = await this.ports.channels.read(channelId);
      const linked = await this.ports.accounts.isLinked('youtube', channelId);
      const plan = planSubscription(current, linked, now);
      if (plan.action === 'none') return undefined;
      const pending: PendingRequest | undefined =
        plan.action === 'request'
          ? {
              mode: plan.mode,
              topic: topicOfChannel(channelId),
              requestedAt: now.toISOString(),
              requestId: randomUUID(),
            }
          : undefined;
      if (!(await this.ports.channels.apply(channelId, current, plan, pending))) continue;
      if (pending === undefined) return undefined;
      await this.send(channelId, pending, now);
      return pending.mode;
    }
    throw new ChannelContentionError(`channel ${channelId} changed during each of ${ATTEMPTS} attempts`);
  }

  private async send(channelId: string, pending: PendingRequest, now: Date): Promise<void> {
    try {
      await this.ports.hub.send({
        mode: pending.mode,
        topic: pending.topic,
        callback: this.ports.callbackUrl,
        secret: await this.ports.hubSecret(),
        leaseSeconds: this.ports.leaseSeconds,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.ports.channels.recordFailure(channelId, reason, now);
      throw error instanceof HubRequestError ? error : new HubRequestError(reason);
    }
  }
}
