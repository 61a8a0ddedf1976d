import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ALL_INDEXES, TABLE_KEYS } from '#shared/table-design.ts';
import { startLocalDynamoDb } from '../dynamodb/local-dynamodb.ts';
import { documentsOf } from './local-clients.ts';

/** A real DynamoDB-protocol server (dynalite) on a random loopback port, reached with the real SDK client. */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  /** Creates a table with ReelHire's key design under a unique name and returns the name. */
  createTable(prefix?: string): Promise<string>;
  close(): Promise<void>;
}

let tableCounter = 0;

export const startDynalite = async (): Promise<LocalDynamo> => {
  const { endpoint, client, close } = await startLocalDynamoDb(0);
  return {
    endpoint,
    client,
    documents: documentsOf(client),
    async createTable(prefix = 'reelhire') {
      const tableName = `${prefix}-${process.pid}-${++tableCounter}`;
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
      await waitUntilActive(client, tableName);
      return tableName;
    },
    close,
  };
};

export const tableDefinition = (tableName: string) => {
  const keyNames = [
    TABLE_KEYS.partitionKey,
    TABLE_KEYS.sortKey,
    ...ALL_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: ALL_INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
};

/** dynalite answers ResourceNotFound while a table is CREATING (a timer, late on a busy machine): poll until ACTIVE. */
const waitUntilActive = async (
  client: DynamoDBClient,
  tableName: string,
  timeoutMs = 120_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} not ACTIVE after ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
};
