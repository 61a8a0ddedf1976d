import { join } from 'node:path';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { createTables, type LocalDynamoDb, startLocalDynamoDb } from '../dynamodb/local-dynamodb.ts';
import { tablesOf } from '../template-model.ts';
import type { StackLifecycle } from './lifecycle.ts';

export interface StorageInput {
  /** 0 picks a free one. */
  readonly port: number;
  /** Keeps the tables under `<dataDir>/dynamodb`. @default in memory */
  readonly dataDir: string | undefined;
  /** The web pages it answers (the console's); see local/http/local-only.ts. */
  readonly browserOrigins: readonly string[];
}

/** DynamoDB (dynalite) on its own port, open until the stack has stopped. */
export const startStorage = async (
  lifecycle: StackLifecycle,
  input: StorageInput,
): Promise<LocalDynamoDb> => {
  const dynamo = await startLocalDynamoDb(
    input.port,
    input.dataDir ? join(input.dataDir, 'dynamodb') : undefined,
    input.browserOrigins,
  );
  lifecycle.add({ name: 'DynamoDB', close: () => dynamo.close() });
  return dynamo;
};

/** Creates the template's tables that do not exist yet (a kept data directory has them); returns all their names. */
export const createTemplateTables = async (
  dynamo: LocalDynamoDb,
  resources: readonly ResolvedResource[],
): Promise<string[]> => {
  const tables = tablesOf(resources);
  await createTables(dynamo.client, tables);
  return tables.map((table) => table.identity.ref);
};
