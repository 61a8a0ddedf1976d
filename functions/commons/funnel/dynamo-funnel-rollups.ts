import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { funnelRollupKey } from '#shared/item-keys.ts';
import type { Rollup, Rollups } from './funnel-rollup.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The funnel rollups as items of the table: one per key, advanced by the funnel reads, seeded by a profile's first
 * listing (creator-funnel-start.ts).
 */
export class DynamoFunnelRollups extends DynamoTable implements Rollups {
  async get(key: string): Promise<Rollup | undefined> {
    const item = await this.getItem(funnelRollupKey(key));
    if (!item || typeof item.rolledThrough !== 'string' || !isRecord(item.counts) || !isRecord(item.ids))
      return undefined;
    return {
      rolledThrough: item.rolledThrough,
      counts: item.counts as Record<string, number>,
      ids: item.ids as Record<string, string[]>,
    };
  }

  async advance(key: string, previous: Rollup | undefined, next: Rollup): Promise<boolean> {
    const { rolledThrough, counts, ids } = next;
    if (!previous) return this.putIfAbsent(funnelRollupKey(key), { rolledThrough, counts, ids });
    const put = this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...funnelRollupKey(key), rolledThrough, counts, ids },
        ConditionExpression: 'rolledThrough = :previous',
        ExpressionAttributeValues: { ':previous': previous.rolledThrough },
      }),
    );
    return (await unlessConditionFails(put)) !== undefined;
  }

  async seed(key: string, rolledThrough: string): Promise<void> {
    await this.putIfAbsent(funnelRollupKey(key), { rolledThrough, counts: {}, ids: {} });
  }
}
