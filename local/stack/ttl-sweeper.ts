import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { type TableTtlModel, tableTtlsOf } from '../template-model.ts';
import { periodicTask, type StackLifecycle } from './lifecycle.ts';

/**
 * DynamoDB's TTL on this machine (dynalite has none): every table whose template enables a
 * TimeToLiveSpecification is swept on a timer, deleting the items whose TTL attribute (a Number, epoch seconds,
 * as DynamoDB requires: a string there is ignored, as in the cloud) is in the past. DynamoDB deletes up to
 * ~48 h late and readers filter expired items themselves, so the sweep's pace only bounds the table's size.
 * Each delete is conditional on the item still being expired, so an item renewed meanwhile stays.
 */
export interface TtlSweeper {
  /** Sweeps every table now; resolves with the number of items deleted. */
  sweepNow(): Promise<number>;
}

export interface TtlSweeperInput {
  readonly resources: readonly ResolvedResource[];
  /** The runtime's own client: TTL deletes are DynamoDB's, not any role's. */
  readonly client: DynamoDBClient;
  /** Sweep on the timer. @default true */
  readonly run: boolean;
  /** @default one minute */
  readonly intervalMs?: number;
  readonly clock?: () => number;
  readonly warn: (message: string) => void;
}

const SWEEP_INTERVAL_MS = 60_000;

export const startTtlSweeper = (lifecycle: StackLifecycle, input: TtlSweeperInput): TtlSweeper => {
  const tables = tableTtlsOf(input.resources);
  const documents = DynamoDBDocumentClient.from(input.client);
  const clock = input.clock ?? Date.now;

  const sweepTable = async (table: TableTtlModel): Promise<number> => {
    const now = Math.floor(clock() / 1000);
    const expired = {
      ConditionExpression: '#ttl < :now',
      ExpressionAttributeNames: { '#ttl': table.attribute },
      ExpressionAttributeValues: { ':now': now },
    };
    let deleted = 0;
    let startKey: ScanCommandOutput['LastEvaluatedKey'];
    do {
      const page: ScanCommandOutput = await documents.send(
        new ScanCommand({
          TableName: table.tableName,
          FilterExpression: expired.ConditionExpression,
          ExpressionAttributeNames: expired.ExpressionAttributeNames,
          ExpressionAttributeValues: expired.ExpressionAttributeValues,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const Key = Object.fromEntries(table.keyAttributes.map((name) => [name, item[name]]));
        try {
          await documents.send(new DeleteCommand({ TableName: table.tableName, Key, ...expired }));
          deleted++;
        } catch (error) {
          if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return deleted;
  };

  const { runNow: sweepNow } = periodicTask(lifecycle, {
    name: 'TTL sweep',
    run: async () => {
      let deleted = 0;
      for (const table of tables) deleted += await sweepTable(table);
      return deleted;
    },
    enabled: input.run && tables.length > 0,
    intervalMs: input.intervalMs ?? SWEEP_INTERVAL_MS,
    warn: (error) => input.warn(`TTL sweep: ${String(error)}`),
  });
  return { sweepNow };
};
