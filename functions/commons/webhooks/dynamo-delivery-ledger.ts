import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { deliveryKey } from '#shared/item-keys.ts';
import {
  DELIVERY_RETENTION_SECONDS,
  type DeliveryClaim,
  type DeliveryLedger,
  STALE_CLAIM_SECONDS,
  type WebhookOrigin,
} from './delivery-ledger.ts';

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

export class DynamoDeliveryLedger extends DynamoTable implements DeliveryLedger {
  constructor(
    documents: DynamoDBDocumentClient,
    tableName: string,
    private readonly retentionSeconds = DELIVERY_RETENTION_SECONDS,
  ) {
    super(documents, tableName);
  }

  async claim(origin: WebhookOrigin, key: string, now: Date): Promise<DeliveryClaim | undefined> {
    const claim: DeliveryClaim = { origin, key, claimId: randomUUID() };
    const claimed = await unlessConditionFails(
      this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...deliveryKey(origin, key),
            origin,
            claimId: claim.claimId,
            receivedAt: now.toISOString(),
            claimedAt: epochSeconds(now),
            state: 'pending',
            expiresAt: epochSeconds(now) + this.retentionSeconds,
          },
          // An expired record that TTL has not deleted yet does not count, nor a claim abandoned by a dead
          // invocation.
          ConditionExpression:
            'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :pending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':now': epochSeconds(now),
            ':pending': 'pending',
            ':stale': epochSeconds(now) - STALE_CLAIM_SECONDS,
          },
        }),
      ),
    );
    return claimed === undefined ? undefined : claim;
  }

  async confirm(claim: DeliveryClaim): Promise<void> {
    // Refused when taken over as stale meanwhile: the other claimant published it too and confirms its own.
    const confirm = new UpdateCommand({
      ...this.ifStillHeld(claim),
      UpdateExpression: 'SET #state = :confirmed',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':confirmed': 'confirmed', ':claimId': claim.claimId },
    });
    await unlessConditionFails(this.documents.send(confirm));
  }

  async release(claim: DeliveryClaim): Promise<void> {
    // Refused when already gone or claimed again since: nothing of ours to release.
    const release = new DeleteCommand({
      ...this.ifStillHeld(claim),
      ExpressionAttributeValues: { ':claimId': claim.claimId },
    });
    await unlessConditionFails(this.documents.send(release));
  }

  /** The delivery's item, on condition that the claim is still the one stored (`:claimId`). */
  private ifStillHeld(claim: DeliveryClaim) {
    return {
      TableName: this.tableName,
      Key: deliveryKey(claim.origin, claim.key),
      ConditionExpression: 'claimId = :claimId',
    };
  }
}
