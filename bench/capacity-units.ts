import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { creatorFunnelStart } from '#funnel/creator-funnel-start.ts';
import { DynamoFunnelRollups } from '#funnel/dynamo-funnel-rollups.ts';
import { applyLinkEvent } from '#links/apply-event.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { LinkContext } from '#links/link-context.ts';
import { readLinks } from '#links/read-links.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import { DynamoDeliveryLedger } from '#webhooks/dynamo-delivery-ledger.ts';
import { startDynalite } from '../local/testing/dynalite.ts';
import { measureApplicationUnits } from './application-units.ts';

/** DynamoDB units and round trips one operation cost, from `ReturnConsumedCapacity` on every call. */
export interface UnitCost {
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly calls: number;
}

interface CapacityResponse {
  ConsumedCapacity?: unknown;
}

/** Adds ReturnConsumedCapacity to every request and sums what the server reports. */
const meter = (documents: DynamoDBDocumentClient) => {
  const totals = { writeUnits: 0, readUnits: 0, calls: 0 };
  documents.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      totals.calls++;
      const consumed = (result.output as CapacityResponse).ConsumedCapacity;
      // TOTAL reports CapacityUnits only; whether they are read or write units follows from the operation.
      const isWrite = /^(Put|Update|Delete|BatchWrite)/.test(context.commandName ?? '');
      for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        const units = (entry as { CapacityUnits?: number }).CapacityUnits ?? 0;
        if (isWrite) totals.writeUnits += units;
        else totals.readUnits += units;
      }
      return result;
    },
    { step: 'initialize', name: 'consumedCapacityMeter' },
  );
  return {
    async measure(operation: () => Promise<unknown>): Promise<UnitCost> {
      const before = { ...totals };
      await operation();
      return {
        writeUnits: totals.writeUnits - before.writeUnits,
        readUnits: totals.readUnits - before.readUnits,
        calls: totals.calls - before.calls,
      };
    },
  };
};

/** The video-events queue's batch size (lib/routing.ts). */
const VIDEO_BATCH = 50;
/** The row of a Video Posted handled among a batch's others: its reads after the write go together. */
export const VIDEO_POSTED_IN_A_BATCH = `Video Posted, one of a batch of ${VIDEO_BATCH} (each another account)`;

const quietPublisher: EventPublisher = { publish: async () => {} };

/**
 * The cost of each link event on a realistic table: a creator with a profile linking two accounts and a posted
 * video, an employer's job on another video. Each event is measured on its first delivery.
 */
export const measureEventUnits = async (): Promise<Record<string, UnitCost>> => {
  const dynamo = await startDynalite();
  try {
    const tableName = await dynamo.createTable('units');
    const { measure } = meter(dynamo.documents);
    const links = new LinkContext({
      stores: dynamoLinkStores(dynamo.documents, tableName),
      publisher: quietPublisher,
      publicBaseUrl: 'http://127.0.0.1:3000',
      clock: () => new Date('2026-11-22T00:00:00Z'),
      // As the contra-events function is wired: a profile's first listing starts its funnel (one more write, once).
      creatorFunnels: creatorFunnelStart(new DynamoFunnelRollups(dynamo.documents, tableName)),
    });
    const detail = (name: keyof typeof EVENTS) => sampleOf(EVENTS[name]).detail as Record<string, unknown>;
    const run = (name: keyof typeof EVENTS, override: Record<string, unknown> = {}) =>
      measure(() => applyLinkEvent(links, EVENTS[name].detailType, { ...detail(name), ...override }));

    const costs: Record<string, UnitCost> = {};
    const deliveries = new DynamoDeliveryLedger(dynamo.documents, tableName);
    costs['webhook delivery (look + remember)'] = await measure(async () => {
      const now = new Date();
      if (!(await deliveries.published('tiktok', 'a-delivery-hash', now))) {
        await deliveries.remember('tiktok', 'a-delivery-hash', now);
      }
    });
    // The sample profile's first version: its first listing, so its funnel's start is written too.
    costs['Profile Updated'] = await run('profileUpdated');
    costs['Video Posted'] = await run('videoPosted');
    costs['Video Posted (repeat)'] = await run('videoPosted');
    // As the video-events function meets them: a batch of 50 handled at once, each of another account.
    const batch = await measure(() =>
      Promise.all(
        Array.from({ length: VIDEO_BATCH }, (_, index) =>
          applyLinkEvent(links, EVENTS.videoPosted.detailType, {
            ...detail('videoPosted'),
            videoId: `73123456789012${String(index).padStart(5, '0')}`,
            accountId: `batch-account-${index}`,
          }),
        ),
      ),
    );
    costs[VIDEO_POSTED_IN_A_BATCH] = {
      writeUnits: batch.writeUnits / VIDEO_BATCH,
      readUnits: batch.readUnits / VIDEO_BATCH,
      calls: batch.calls / VIDEO_BATCH,
    };
    costs['Job Published'] = await run('jobPublished', {
      videos: [{ platform: 'tiktok', videoId: '7312345678901234567' }],
    });
    costs['read links (GET /links)'] = await measure(() => readLinks(links, 'tiktok', '7312345678901234567'));
    Object.assign(
      costs,
      await measureApplicationUnits(dynamo.documents, tableName, links, measure, quietPublisher),
    );
    costs['Account Disconnected'] = await run('accountDisconnected');
    costs['Video Removed'] = await run('videoRemoved');
    costs['Job Closed'] = await run('jobClosed');
    costs['Profile Deleted'] = await run('profileDeleted');
    return costs;
  } finally {
    await dynamo.close();
  }
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const costs = await measureEventUnits();
  console.table(costs);
}
