import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { secretValues } from '#shared/aws/secrets.ts';
import type { EventPublisher } from '#shared/event-publisher.ts';
import { deliveryKey } from '#shared/item-keys.ts';
import { DELIVERY_RETENTION_SECONDS, STALE_CLAIM_SECONDS } from '#webhooks/delivery-ledger.ts';
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
          claimId: 'old',
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

  it('answers 503 when the bus refuses, forgets the claim, and accepts the platform retry', async () => {
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

  it('publishes once when copies of a delivery arrive at the same time', async () => {
    const body = postedBody();
    const responses = await Promise.all(Array.from({ length: 8 }, () => harness.invoke(tiktokRequest(body))));

    expect(responses.map((response) => response.statusCode)).toEqual(Array(8).fill(200));
    expect(
      responses.filter((response) => (bodyOf(response) as { status: string }).status === 'accepted'),
    ).toHaveLength(1);
    expect(harness.bus.events).toHaveLength(1);
  });

  it('gives up on a bus that does not answer within the budget, releasing the claim', async () => {
    const hanging: EventPublisher = { publish: () => new Promise<void>(() => undefined) };
    const deliveries = new DynamoDeliveryLedger(harness.dynamo.documents, harness.tableName);
    const ingestion = new WebhookIngestion({
      publisher: hanging,
      deliveries,
      secrets: secretValues,
      clock: () => NOW,
      count: () => undefined,
    });
    const body = postedBody();
    const request = tiktokRequest(body);
    const result = await ingestion.receive(
      'tiktok',
      { body: Buffer.from(body), header: (name) => request.headers[name.toLowerCase()] },
      50,
    );

    expect(result).toMatchObject({ outcome: 'unavailable', detail: expect.stringMatching(/within 50 ms/) });
    expect(await readDelivery('tiktok', createHash('sha256').update(body).digest('hex'))).toBeUndefined();
  });

  it('never releases a later claim of the same delivery', async () => {
    const deliveries = new DynamoDeliveryLedger(harness.dynamo.documents, harness.tableName);
    const first = await deliveries.claim('contra', 'msg_release_race', NOW);
    expect(first).toBeDefined();
    // The first claim expired and a retry claimed the delivery again before the first was released.
    const later = new Date(NOW.getTime() + (DELIVERY_RETENTION_SECONDS + 1) * 1000);
    const second = await deliveries.claim('contra', 'msg_release_race', later);
    expect(second).toBeDefined();
    await deliveries.release(first!);

    expect(await readDelivery('contra', 'msg_release_race')).toMatchObject({ claimId: second!.claimId });
    expect(await deliveries.claim('contra', 'msg_release_race', later)).toBeUndefined();
  });

  it('lets a retry publish a delivery whose claimant died before confirming, but never a confirmed one', async () => {
    const deliveries = new DynamoDeliveryLedger(harness.dynamo.documents, harness.tableName);
    const abandoned = await deliveries.claim('contra', 'msg_crashed', NOW);
    expect(abandoned).toBeDefined();
    const soon = new Date(NOW.getTime() + (STALE_CLAIM_SECONDS - 1) * 1000);
    expect(await deliveries.claim('contra', 'msg_crashed', soon)).toBeUndefined();
    const stale = new Date(NOW.getTime() + (STALE_CLAIM_SECONDS + 1) * 1000);
    const retry = await deliveries.claim('contra', 'msg_crashed', stale);
    expect(retry).toBeDefined();
    await deliveries.confirm(retry!);

    const muchLater = new Date(NOW.getTime() + 3600 * 1000);
    expect(await deliveries.claim('contra', 'msg_crashed', muchLater)).toBeUndefined();
    expect(await readDelivery('contra', 'msg_crashed')).toMatchObject({ state: 'confirmed' });
  });
});
