import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { creatorFunnelKey } from '#shared/item-keys.ts';
import type { CreatorRollup, CreatorRollups } from './creator-rollup.ts';

/** The creators' funnel rollups as items of the table: one per profile, written by the funnel reads alone. */
export class DynamoCreatorRollups extends DynamoTable implements CreatorRollups {
  async get(profileId: string): Promise<CreatorRollup | undefined> {
    const item = await this.getItem(creatorFunnelKey(profileId));
    if (!item || typeof item.rolledThrough !== 'string' || typeof item.videos !== 'object' || !item.videos)
      return undefined;
    return { rolledThrough: item.rolledThrough, videos: item.videos as Record<string, number> };
  }

  async advance(
    profileId: string,
    previous: CreatorRollup | undefined,
    next: CreatorRollup,
  ): Promise<boolean> {
    const put = this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...creatorFunnelKey(profileId), rolledThrough: next.rolledThrough, videos: next.videos },
        ...(previous
          ? {
              ConditionExpression: 'rolledThrough = :previous',
              ExpressionAttributeValues: { ':previous': previous.rolledThrough },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      }),
    );
    return (await unlessConditionFails(put)) !== undefined;
  }
}
