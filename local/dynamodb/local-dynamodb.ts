import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
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
import { refuseForeignAwsCall } from '../http/local-only.ts';
import type { CallGuard } from '../iam/request-guard.ts';
import { arrayField, stringField } from '../json.ts';
import { LOCAL_REGION } from '../local-account.ts';

export interface LocalDynamoDb {
  readonly endpoint: string;
  /** The runtime's own client (table creation): other credentials than a function's, so the administrator's. */
  readonly client: DynamoDBClient;
  /** Puts IAM in front of every call from now on. */
  enforce(guard: CallGuard): void;
  close(): Promise<void>;
}

/**
 * dynalite's request listener behind the runtime's guards, run inside dynalite's own server rather than in a
 * proxy before it (no second HTTP hop). First the local-only guard (CONTRACT §5): dynalite answers any Origin
 * with `Access-Control-Allow-Origin: *` and echoes whatever headers a preflight asks for, which would let any
 * web page read and rewrite the tables, so a refused request never reaches it and an admitted one reaches it
 * without its Origin (no CORS header is ever sent). Then IAM, once enforced.
 */
const guarded =
  (
    dynaliteListener: RequestListener,
    browserOrigins: readonly string[],
    guardOf: () => CallGuard | undefined,
  ): RequestListener =>
  (request, response) => {
    if (refuseForeignAwsCall(request, response, browserOrigins)) return;
    const guard = guardOf();
    if (!guard) {
      dynaliteListener(request, response);
      return;
    }
    checkThenServe(guard, dynaliteListener)(request, response).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else {
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ __type: 'InternalServerError', message: String(error) }));
      }
    });
  };

/** dynalite's listener once the guard has admitted the request (the body is read for the guard, then replayed). */
const checkThenServe =
  (guard: CallGuard, dynaliteListener: RequestListener) =>
  async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
      request.once('error', reject);
    });
    // dynalite listens for the body itself: it gets it as events, after these listeners are gone.
    request.removeAllListeners('data');
    request.removeAllListeners('end');
    request.removeAllListeners('error');
    const refused = await guard({
      method: request.method ?? 'POST',
      url: request.url ?? '/',
      headers: request.headers,
      body,
    });
    if (refused) {
      response.writeHead(refused.status, { ...refused.headers, 'x-amzn-requestid': randomUUID() });
      response.end(refused.body);
      return;
    }
    dynaliteListener(request, response);
    if (body.length > 0) request.emit('data', body);
    request.emit('end');
  };

/**
 * dynalite on 127.0.0.1: in memory, or LevelDB under `dataDir` so tables and items survive a restart.
 * Port 0 picks a free port. `browserOrigins` are the web pages it answers (the console's); any other Origin,
 * and any Host but loopback's, is refused.
 */
export const startLocalDynamoDb = async (
  port: number,
  dataDir?: string,
  browserOrigins: readonly string[] = [],
): Promise<LocalDynamoDb> => {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(dataDir ? { path: dataDir } : {}),
  });
  let guard: CallGuard | undefined;
  const [dynaliteListener] = server.listeners('request') as RequestListener[];
  if (!dynaliteListener) throw new Error('dynalite has no request listener to guard');
  server.removeAllListeners('request');
  server.on(
    'request',
    guarded(dynaliteListener, browserOrigins, () => guard),
  );
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
    enforce(next) {
      guard = next;
    },
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
