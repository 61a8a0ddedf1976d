import { randomUUID } from 'node:crypto';
import type { Platform } from '#events/fields.ts';
import { callbackWithToken, newCallbackToken } from './callback-token.ts';
import type { ChannelSubscriptionStore, RecordedRequest } from './channel-subscription-store.ts';
import { type HubClient, HubRequestError } from './hub-client.ts';
import { type HubMode, planSubscription } from './subscription.ts';
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
  /** `<public base url>/webhooks/youtube`; each request adds its channel's token to it. */
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
      if (plan.action !== 'request') {
        if (await this.ports.channels.apply(channelId, current, plan)) return undefined;
        continue;
      }
      const request: RecordedRequest = {
        pending: {
          mode: plan.mode,
          topic: topicOfChannel(channelId),
          requestedAt: now.toISOString(),
          requestId: randomUUID(),
        },
        // Kept for the subscription's life: its renewals and its unsubscribe must name the callback the hub
        // knows. A channel written before callbacks carried tokens gets one at its next request. Its tokenless
        // subscription at the hub can no longer be confirmed (that is the point) and lapses within its lease
        // (about 5 days), the copies it delivers meanwhile deduplicated by body; a tokenless request still
        // pending is refused, and a subscribe is sent again, with a token, by the renewal an hour later.
        callbackToken: current?.callbackToken ?? newCallbackToken(),
      };
      if (!(await this.ports.channels.apply(channelId, current, plan, request))) continue;
      await this.send(channelId, request, now);
      return request.pending.mode;
    }
    throw new ChannelContentionError(`channel ${channelId} changed during each of ${ATTEMPTS} attempts`);
  }

  private async send(
    channelId: string,
    { pending, callbackToken }: RecordedRequest,
    now: Date,
  ): Promise<void> {
    try {
      await this.ports.hub.send({
        mode: pending.mode,
        topic: pending.topic,
        callback: callbackWithToken(this.ports.callbackUrl, callbackToken),
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
