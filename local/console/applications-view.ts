import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type Application, employerView } from '#applications/application.ts';
import { APPLICATION_SORT_PREFIX } from '#shared/item-keys.ts';

/**
 * The applications the local console shows: the most recently changed, with their history, read with a Scan
 * of the local table (local mode only: the deployed functions never scan). What an employer sees of each.
 */
export const recentApplications = async (
  client: DynamoDBClient,
  tableName: string | undefined,
  limit = 50,
): Promise<ReturnType<typeof employerView>[]> => {
  if (tableName === undefined) return [];
  const documents = DynamoDBDocumentClient.from(client);
  const found: Application[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(pk, :pk) AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': 'APPLICATION#', ':sk': APPLICATION_SORT_PREFIX },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    found.push(...((page.Items ?? []) as Application[]));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return found
    .filter((application) => Array.isArray(application.history))
    .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0))
    .slice(0, limit)
    .map(employerView);
};
