import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretValues } from '#shared/aws/secrets.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import { deliveryKey } from '#shared/item-keys.ts';
import { DELIVERY_RETENTION_SECONDS } from '#webhooks/delivery-ledger.ts';
import { DynamoDeliveryLedger } from '#webhooks/dynamo-delivery-ledger.ts';
import { WebhookIngestion } from '#webhooks/ingestion.ts';
import { NOW, NOW_SECONDS, tiktokEnvelope } from '../../local/testing/platform-deliveries.ts';
import { contraRequest, tiktokRequest } from '../support/signed-requests.ts';
import { bodyOf, useWebhookHarness } from '../support/webhook-harness.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const harness = useWebhookHarness();

let postCounter = 0;
const postedBody = () =>
  JSON.stringify(
    tiktokEnvelope('post.publish.publicly_available', { post_id: `7400000000${++postCounter}` }),
  );

const readDelivery = async (origin: string, key: string) =>
  (
    await harness.dynamo.documents.send(
      new GetCommand({ TableName: harness.tableName, Key: deliveryKey(origin, key), ConsistentRead: true }),
    )
  ).Item;

describe('delivery deduplication on the table', () => {
  it('remembers a TikTok delivery under the hash of its raw body for at least 72 h, with a TTL', async () => {
    const body = postedBody();
    await harness.invoke(tiktokRequest(body));
    const item = await readDelivery('tiktok', createHash('sha256').update(body).digest('hex'));

    expect(item).toMatchObject({ origin: 'tiktok', receivedAt: NOW.toISOString() });
    expect(item?.expiresAt).toBe(NOW_SECONDS + DELIVERY_RETENTION_SECONDS);
    expect(DELIVERY_RETENTION_SECONDS).toBeGreaterThanOrEqual(72 * 3600);
  });

  it('still answers a redelivery 71 h later as a duplicate', async () => {
    const body = postedBody();
    await harness.invoke(tiktokRequest(body));
    harness.clock.now = new Date(NOW.getTime() + 71 * 3600_000);
    const retry = await harness.invoke(tiktokRequest(body, { timestamp: NOW_SECONDS + 71 * 3600 }));

    expect(bodyOf(retry)).toEqual({ status: 'duplicate' });
    expect(harness.bus.events).toHaveLength(1);
  });

  it('ignores a record whose expiresAt has passed even though TTL has not deleted it yet', async () => {
    const webhookId = 'msg_expired_but_present';
    await harness.dynamo.documents.send(
      new PutCommand({
        TableName: harness.tableName,
        Item: {
          ...deliveryKey('contra', webhookId),
          origin: 'contra',
          expiresAt: NOW_SECONDS - 1,
        },
      }),
    );
    const response = await harness.invoke(
      contraRequest(
        JSON.stringify({
          type: 'job.closed',
          data: { jobId: 'j1', version: 1, closedAt: '2026-11-22T09:00:00Z' },
        }),
        { webhookId },
      ),
    );

    expect(bodyOf(response)).toEqual({ status: 'accepted' });
    expect(harness.bus.events).toHaveLength(1);
  });

  it('answers 503 when the bus refuses, remembers nothing, and accepts the platform retry', async () => {
    const body = postedBody();
    harness.bus.refusals = Number.POSITIVE_INFINITY;
    const refused = await harness.invoke(tiktokRequest(body));
    expect(refused.statusCode).toBe(503);
    expect(refused.headers?.['content-type']).toBe('application/problem+json');
    expect(refused.body).not.toMatch(/refused the entries/);
    expect(await readDelivery('tiktok', createHash('sha256').update(body).digest('hex'))).toBeUndefined();

    harness.bus.refusals = 0;
    const retry = await harness.invoke(tiktokRequest(body));
    expect(bodyOf(retry)).toEqual({ status: 'accepted' });
    expect(harness.bus.events).toHaveLength(1);
  });

  it('answers every copy that arrives at the same time 200, publishes it at least once, and remembers it', async () => {
    const body = postedBody();
    const responses = await Promise.all(Array.from({ length: 8 }, () => harness.invoke(tiktokRequest(body))));

    expect(responses.map((response) => response.statusCode)).toEqual(Array(8).fill(200));
    // Copies that look before any of them remembered are each published: at least once, never lost.
    expect(harness.bus.events.length).toBeGreaterThanOrEqual(1);
    const published = harness.bus.events.length;
    const later = await harness.invoke(tiktokRequest(body));
    expect(bodyOf(later)).toEqual({ status: 'duplicate' });
    expect(harness.bus.events).toHaveLength(published);
  });

  it('gives up on a bus that does not answer within the budget, remembering nothing', async () => {
    const hanging: EventPublisher = { publish: () => new Promise<void>(() => undefined) };
    const ingestion = ingestionPublishingTo(hanging);
    const body = postedBody();
    const result = await ingestion.receive('tiktok', delivery(body), 50);

    expect(result).toMatchObject({ outcome: 'unavailable', detail: expect.stringMatching(/within 50 ms/) });
    expect(await readDelivery('tiktok', createHash('sha256').update(body).digest('hex'))).toBeUndefined();
  });
});

/**
 * A function that dies mid-delivery (killed, out of memory): from the instant `dies` says, its writes never reach
 * the table (an SDK middleware refuses them, as a dead process sends none) and nothing more of it matters.
 */
describe('a webhook function that dies mid-delivery loses nothing', () => {
  const dead = { now: false };
  const deadWrites = 'deadFunctionWrites';
  beforeEach(() => {
    dead.now = false;
    harness.dynamo.documents.middlewareStack.add(
      (next) => async (args) => {
        if (dead.now) throw new Error('the function died');
        return next(args);
      },
      { step: 'initialize', name: deadWrites },
    );
  });
  afterEach(() => {
    harness.dynamo.documents.middlewareStack.remove(deadWrites);
  });

  /** The dying function's bus: `before` dies before the bus took the events, `after` once it took them. */
  const dyingBus = (when: 'before' | 'after'): EventPublisher => ({
    publish: async (events) => {
      if (when === 'before') {
        dead.now = true;
        throw new Error('the function died');
      }
      await harness.bus.publish(events);
      dead.now = true;
    },
  });

  it('between looking and publishing: the retry is published', async () => {
    const body = postedBody();
    await ingestionPublishingTo(dyingBus('before')).receive('tiktok', delivery(body));
    dead.now = false;

    const retry = await harness.invoke(tiktokRequest(body));
    expect(bodyOf(retry)).toEqual({ status: 'accepted' });
    expect(harness.bus.events).toHaveLength(1);
  });

  it('between publishing and remembering: the retry is published again (at least once), then remembered', async () => {
    const body = postedBody();
    await ingestionPublishingTo(dyingBus('after')).receive('tiktok', delivery(body));
    dead.now = false;
    expect(await readDelivery('tiktok', createHash('sha256').update(body).digest('hex'))).toBeUndefined();

    expect(bodyOf(await harness.invoke(tiktokRequest(body)))).toEqual({ status: 'accepted' });
    expect(bodyOf(await harness.invoke(tiktokRequest(body)))).toEqual({ status: 'duplicate' });
    expect(harness.bus.events).toHaveLength(2);
  });
});

const ingestionPublishingTo = (publisher: EventPublisher) =>
  new WebhookIngestion({
    publisher,
    deliveries: new DynamoDeliveryLedger(harness.dynamo.documents, harness.tableName),
    secrets: secretValues,
    clock: () => NOW,
    count: () => undefined,
  });

const delivery = (body: string) => {
  const request = tiktokRequest(body);
  return { body: Buffer.from(body), header: (name: string) => request.headers[name.toLowerCase()] };
};
