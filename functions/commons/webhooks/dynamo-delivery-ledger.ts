import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '#shared/aws/dynamo.ts';
import { deliveryKey } from '#shared/item-keys.ts';
import {
  DELIVERY_RETENTION_SECONDS,
  type DeliveryClaim,
  type DeliveryLedger,
  STALE_CLAIM_SECONDS,
  type WebhookOrigin,
} from './delivery-ledger.ts';

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

export class DynamoDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionSeconds = DELIVERY_RETENTION_SECONDS,
  ) {}

  async claim(origin: WebhookOrigin, key: string, now: Date): Promise<DeliveryClaim | undefined> {
    const claim: DeliveryClaim = { origin, key, claimId: randomUUID() };
    try {
      await this.documents.send(
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
      );
      return claim;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async confirm(claim: DeliveryClaim): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(claim.origin, claim.key),
          UpdateExpression: 'SET #state = :confirmed',
          ConditionExpression: 'claimId = :claimId',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':confirmed': 'confirmed', ':claimId': claim.claimId },
        }),
      );
    } catch (error) {
      // Taken over as stale meanwhile: the other claimant published it too, and confirms its own claim.
      if (isConditionFailure(error)) return;
      throw error;
    }
  }

  async release(claim: DeliveryClaim): Promise<void> {
    try {
      await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: deliveryKey(claim.origin, claim.key),
          ConditionExpression: 'claimId = :claimId',
          ExpressionAttributeValues: { ':claimId': claim.claimId },
        }),
      );
    } catch (error) {
      // Already gone or claimed again since: nothing of ours to release.
      if (isConditionFailure(error)) return;
      throw error;
    }
  }
}
