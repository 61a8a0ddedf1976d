import { EVENTS } from '#events/catalog.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import type { ChannelSubscriptionStore } from './channel-subscription-store.ts';

/**
 * The renewal schedule's use case: every channel whose review time has come (a lease ending within the
 * margin, or a subscribe request the hub never verified) gets a `Channel Subscription Wanted`, so the
 * subscription function re-reads it and re-subscribes, with that function's retries and dead-letter queue.
 * Pages are bounded; what one run leaves is still due at the next.
 */

export interface RenewalPorts {
  readonly channels: ChannelSubscriptionStore;
  readonly publisher: EventPublisher;
  readonly clock: () => Date;
}

export interface RenewalLimits {
  /** Channels read per Query page. */
  readonly pageSize: number;
  /** Pages per run; with hourly runs and 5-day leases, 200 pages of 100 cover about 9.6 million channels. */
  readonly maxPages: number;
  /** Stop starting pages once this returns false (the function's remaining time). */
  readonly hasTime?: () => boolean;
}

export const DEFAULT_RENEWAL_LIMITS: RenewalLimits = { pageSize: 100, maxPages: 200 };

export interface RenewalRun {
  readonly channels: number;
  readonly pages: number;
  /** True when channels may be left for the next run. */
  readonly truncated: boolean;
}

export const renewDueSubscriptions = async (
  ports: RenewalPorts,
  limits: RenewalLimits = DEFAULT_RENEWAL_LIMITS,
): Promise<RenewalRun> => {
  const now = ports.clock();
  let cursor: Record<string, unknown> | undefined;
  let channels = 0;
  let pages = 0;
  do {
    if (pages >= limits.maxPages || (limits.hasTime && !limits.hasTime())) {
      return { channels, pages, truncated: true };
    }
    const page = await ports.channels.due(now, limits.pageSize, cursor);
    pages++;
    await ports.publisher.publish(
      page.channelIds.map((channelId) => ({
        origin: 'links' as const,
        detailType: EVENTS.channelSubscriptionWanted.detailType,
        detail: { channelId },
      })),
    );
    channels += page.channelIds.length;
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { channels, pages, truncated: false };
};
