import { mkdirSync } from 'node:fs';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { isJsonObject, type JsonObject } from '#shared/json.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { awsForbidden, localOnlyRefusal } from '../http/local-only.ts';
import { arrayField, stringField } from '../json.ts';
import { LOCAL_REGION } from '../local-account.ts';

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/**
 * dynalite's request listener behind the local-only guard (CONTRACT §5). dynalite answers any Origin with
 * `Access-Control-Allow-Origin: *` and echoes whatever headers a preflight asks for, which let any web page
 * read and rewrite the tables: a refused request never reaches it, and an admitted one reaches it without its
 * Origin, so that no CORS header is ever sent.
 */
const guarded = (server: Server, browserOrigins: readonly string[]): void => {
  const [serve] = server.listeners('request') as RequestListener[];
  if (!serve) throw new Error('dynalite serves no requests');
  server.removeAllListeners('request');
  server.on('request', (request, response) => {
    const refusal = localOnlyRefusal(request.headers, browserOrigins);
    if (refusal !== undefined) {
      const forbidden = awsForbidden(refusal, 'application/x-amz-json-1.0');
      response.writeHead(forbidden.status, forbidden.headers).end(forbidden.body);
      return;
    }
    delete request.headers.origin;
    serve(request, response);
  });
};

/**
 * dynalite on 127.0.0.1: in memory, or LevelDB under `dataDir` so tables and items survive a restart.
 * Port 0 picks a free port. `browserOrigins` are the web pages it answers (the console's); any other Origin,
 * and any Host but loopback's, is refused.
 */
export const startLocalDynamoDb = async (
  port: number,
  dataDir: string | undefined,
  browserOrigins: readonly string[],
): Promise<LocalDynamoDb> => {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(dataDir ? { path: dataDir } : {}),
  });
  guarded(server, browserOrigins);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    async close() {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
};

const keySchemaOf = (value: unknown) =>
  (Array.isArray(value) ? value : []).filter(isJsonObject).map((key) => ({
    AttributeName: String(key.AttributeName),
    KeyType: String(key.KeyType) as 'HASH' | 'RANGE',
  }));

const projectionOf = (index: JsonObject) => {
  const projection = isJsonObject(index.Projection) ? index.Projection : {};
  const nonKey = arrayField(projection, 'NonKeyAttributes').map(String);
  return {
    ProjectionType: (stringField(projection, 'ProjectionType') ?? 'ALL') as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
    ...(nonKey.length > 0 ? { NonKeyAttributes: nonKey } : {}),
  };
};

/**
 * The CreateTable call for an AWS::DynamoDB::Table (or GlobalTable): the template's keys, attribute
 * definitions and indexes exactly; what dynalite does not emulate (encryption, PITR, TTL, streams) is left out.
 */
export const createTableInputOf = (table: ResolvedResource): CreateTableCommandInput => {
  const { properties } = table;
  const indexes = (name: string) =>
    arrayField(properties, name)
      .filter(isJsonObject)
      .map((index) => ({
        IndexName: String(index.IndexName),
        KeySchema: keySchemaOf(index.KeySchema),
        Projection: projectionOf(index),
      }));
  const globalIndexes = indexes('GlobalSecondaryIndexes');
  const localIndexes = indexes('LocalSecondaryIndexes');
  return {
    TableName: table.identity.ref,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: arrayField(properties, 'AttributeDefinitions')
      .filter(isJsonObject)
      .map((definition) => ({
        AttributeName: String(definition.AttributeName),
        AttributeType: String(definition.AttributeType) as 'S' | 'N' | 'B',
      })),
    KeySchema: keySchemaOf(properties.KeySchema),
    ...(globalIndexes.length > 0 ? { GlobalSecondaryIndexes: globalIndexes } : {}),
    ...(localIndexes.length > 0 ? { LocalSecondaryIndexes: localIndexes } : {}),
  };
};

/** Creates each table that does not exist yet; returns the names of those it created. */
export const createTables = async (
  client: DynamoDBClient,
  tables: readonly ResolvedResource[],
): Promise<string[]> => {
  const created: string[] = [];
  for (const table of tables) {
    const input = createTableInputOf(table);
    try {
      await client.send(new DescribeTableCommand({ TableName: input.TableName }));
      continue;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await client.send(new CreateTableCommand(input));
    created.push(input.TableName!);
  }
  return created;
};
