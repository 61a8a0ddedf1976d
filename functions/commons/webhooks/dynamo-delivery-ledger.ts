import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { deliveryKey } from '#shared/item-keys.ts';
import { DELIVERY_RETENTION_SECONDS, type DeliveryLedger, type WebhookOrigin } from './delivery-ledger.ts';

const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Per delivery: half a read unit to look (eventually consistent) and one write unit to remember. */
export class DynamoDeliveryLedger extends DynamoTable implements DeliveryLedger {
  async published(origin: WebhookOrigin, key: string, now: Date): Promise<boolean> {
    // Eventually consistent: a copy racing a record written a moment ago may be published again, which is
    // the duplicate this ledger already accepts for copies that arrive together; it halves the read's price.
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: deliveryKey(origin, key),
      }),
    );
    // An expired record that TTL has not deleted yet does not count.
    return Item !== undefined && Number(Item.expiresAt) >= epochSeconds(now);
  }

  async remember(origin: WebhookOrigin, key: string, now: Date): Promise<void> {
    // Refused when a copy remembered it first (or a live record is there): the first receivedAt stays.
    const remember = new PutCommand({
      TableName: this.tableName,
      Item: {
        ...deliveryKey(origin, key),
        origin,
        receivedAt: now.toISOString(),
        expiresAt: epochSeconds(now) + DELIVERY_RETENTION_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
      ExpressionAttributeValues: { ':now': epochSeconds(now) },
    });
    await unlessConditionFails(this.documents.send(remember));
  }
}
