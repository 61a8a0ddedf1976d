import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { decodeSlots, encodeSlots } from '#shared/apply-limits.ts';
import { DynamoTable, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { applySlotsKey } from '#shared/item-keys.ts';
import type { ApplySlotStore, SlotChange } from './apply-slot-store.ts';

/** Contention is one winner per round, so a burst of n requests needs at most n rounds. */
const MAX_ROUNDS = 64;

/** Kept a day after the newest slot (DynamoDB TTL; a read never trusts an old slot anyway). */
const EXPIRES_AFTER_SECONDS = 24 * 3600;

/**
 * A profile's apply slots in one small item (`APPLY_SLOTS#<profileId>`, docs/data-model.md): read consistently,
 * decided, then written conditionally on the revision read; a writer that lost reads again. One item under
 * 1 KB, so a taken slot costs one write unit.
 */
export class DynamoApplySlots extends DynamoTable implements ApplySlotStore {
  async change<Result>(profileId: string, decide: SlotChange<Result>): Promise<Result> {
    const key = applySlotsKey(profileId);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const item = await this.getItem(key);
      const revision = typeof item?.revision === 'number' ? item.revision : undefined;
      const stored = typeof item?.slots === 'string' ? decodeSlots(item.slots) : [];
      const { slots, result } = decide(stored);
      if (slots === undefined) return result;
      const written = await unlessConditionFails(
        this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              slots: encodeSlots(slots),
              revision: (revision ?? 0) + 1,
              expiresAt: Math.max(0, ...slots) + EXPIRES_AFTER_SECONDS,
            },
            ...(revision === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: 'revision = :read',
                  ExpressionAttributeValues: { ':read': revision },
                }),
          }),
        ),
      );
      if (written) return result;
    }
    throw new Error(`apply slots of a profile still contended after ${MAX_ROUNDS} rounds`);
  }
}
