import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import { type RenewalLimits, renewDueSubscriptions } from '#websub/renewal.ts';
import { type LocalDynamo, startDynalite } from '../../local/testing/dynalite.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const NOW = new Date('2026-11-22T10:00:00Z');
const HOUR = 3_600_000;

let dynamo: LocalDynamo;
let channels: DynamoChannelSubscriptions;
beforeAll(async () => {
  dynamo = await startDynalite();
  channels = new DynamoChannelSubscriptions(dynamo.documents, await dynamo.createTable('renewal'));
  // 250 channels reviewed at staggered times before now, 10 after; each written as the subscription
  // function writes a subscribe request.
  for (let index = 0; index < 260; index++) {
    const channelId = `UCrenew${String(index).padStart(4, '0')}`;
    const reviewAt = new Date(NOW.getTime() + (index < 250 ? -index * 60_000 : HOUR + index));
    const written = await channels.apply(channelId, undefined, { action: 'keep', reviewAt });
    expect(written).toBe(true);
  }
});
afterAll(async () => {
  await dynamo.close();
});

const channelIdsOf = (bus: RecordingPublisher) =>
  bus
    .detailsOf('channelSubscriptionWanted')
    .map((wanted) => wanted.channelId)
    .sort();

/** One renewal run on `bus` (a fresh one unless given) with the clock at `now`. */
const renew = (
  limits: RenewalLimits,
  { now = NOW, bus = new RecordingPublisher() }: { now?: Date; bus?: RecordingPublisher } = {},
) => renewDueSubscriptions({ channels, publisher: bus, clock: () => now }, limits);

describe('renewDueSubscriptions', () => {
  it('hands back exactly the channels due, in bounded pages, each as Channel Subscription Wanted', async () => {
    const bus = new RecordingPublisher();
    const run = await renew({ pageSize: 100, maxPages: 10 }, { bus });

    expect(run).toEqual({ channels: 250, pages: 3, truncated: false });
    expect(channelIdsOf(bus)).toEqual(
      Array.from({ length: 250 }, (_, index) => `UCrenew${String(index).padStart(4, '0')}`),
    );
    expect(new Set(bus.events.map((event) => `${event.origin} ${event.detailType}`))).toEqual(
      new Set(['links Channel Subscription Wanted']),
    );
    // Each PutEvents call of the bus adapter takes ≤ 10 entries; a page is published in one publish call.
    expect(bus.calls).toBe(3);
  });

  it('stops after maxPages, leaving the rest due for the next run', async () => {
    const bus = new RecordingPublisher();
    const run = await renew({ pageSize: 50, maxPages: 2 }, { bus });
    expect(run).toEqual({ channels: 100, pages: 2, truncated: true });
    // The oldest reviews come first.
    expect(channelIdsOf(bus)).toContain('UCrenew0249');
  });

  it('stops when the function runs out of time', async () => {
    const bus = new RecordingPublisher();
    const run = await renew({ pageSize: 100, maxPages: 10, hasTime: () => bus.calls < 1 }, { bus });
    expect(run).toEqual({ channels: 100, pages: 1, truncated: true });
  });

  it('finds the channels due an hour later once that hour has come', async () => {
    const run = await renew({ pageSize: 100, maxPages: 10 }, { now: new Date(NOW.getTime() + 2 * HOUR) });
    expect(run.channels).toBe(260);
  });
});
