import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { logicalIds, stackIdOf } from '../lib/names.ts';
import { RemoteError } from './cli-error.ts';
import { bodyOf, fetchStack, problemDetail } from './target.ts';

/** A stack's table through the DynamoDB API: the local stack's, or a deployed one's (`--region`). */
export interface StackTable {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  close(): void;
}

export interface TableTarget {
  readonly url: string;
  readonly region?: string | undefined;
  readonly stage: string;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The local stack says where its DynamoDB is (`GET /_local/stack`): only REELHIRE_URL is needed. */
const localStorage = async (url: string): Promise<{ dynamoEndpoint: string; tableNames: string[] }> => {
  const response = await fetchStack(`${url}/_local/stack`);
  const body = await bodyOf(response);
  if (!response.ok)
    throw new RemoteError(`GET ${url}/_local/stack answered ${response.status}: ${problemDetail(body)}`);
  return body as { dynamoEndpoint: string; tableNames: string[] };
};

/** The stage's table, found by name (CloudFormation names it `<stateful stack>-Table-<random>`). */
const findTable = async (client: DynamoDBClient, stage: string): Promise<string | undefined> => {
  const prefix = `${stackIdOf(stage, 'stateful')}-${logicalIds.table}`;
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    const found = page.TableNames?.find((name) => name.startsWith(prefix));
    if (found) return found;
    start = page.LastEvaluatedTableName;
  } while (start);
  return undefined;
};

export const stackTable = async (target: TableTarget): Promise<StackTable> => {
  const client = target.region
    ? new DynamoDBClient({ region: target.region })
    : new DynamoDBClient({
        endpoint: (await localStorage(target.url)).dynamoEndpoint,
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      });
  try {
    const tableName = await findTable(client, target.stage);
    if (!tableName) {
      throw new RemoteError(
        `no table of stage ${target.stage} found${target.region ? ` in ${target.region}` : ` at ${target.url}`}`,
      );
    }
    const documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    return { documents, tableName, close: () => client.destroy() };
  } catch (error) {
    client.destroy();
    throw error;
  }
};

/** Runs `work` on the stack's table and lets the client go. */
export const withStackTable = async <T>(
  target: TableTarget,
  work: (table: StackTable) => Promise<T>,
): Promise<T> => {
  const table = await stackTable(target);
  try {
    return await work(table);
  } finally {
    table.close();
  }
};
