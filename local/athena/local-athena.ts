import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { isJsonObject, type JsonObject } from '#shared/json.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import { arrayField, objectField, stringField } from '../json.ts';

/** A Glue table over JSON lines in an S3 location, as the template declares it. */
export interface GlueTableModel {
  readonly database: string;
  readonly name: string;
  readonly bucket: string;
  /** The key prefix under the bucket (`funnel/`). */
  readonly prefix: string;
  /** Each column with the JSON key it reads (the SerDe's `mapping.<column>`, else its own name). */
  readonly columns: readonly { readonly name: string; readonly key: string }[];
  /** The partition keys, in order: each a `<key>=<value>/` level of the objects' paths, as Hive lays them out. */
  readonly partitionKeys: readonly string[];
}

export const glueTablesOf = (resources: readonly ResolvedResource[]): GlueTableModel[] =>
  ofType(resources, 'AWS::Glue::Table').flatMap((resource) => {
    const input = objectField(resource.properties, 'TableInput');
    const storage = input ? objectField(input, 'StorageDescriptor') : undefined;
    const location = storage ? stringField(storage, 'Location') : undefined;
    const database = stringField(resource.properties, 'DatabaseName');
    const name = input ? stringField(input, 'Name') : undefined;
    const match = location ? /^s3:\/\/([^/]+)\/(.*)$/.exec(location) : null;
    if (!storage || !database || !name || !match) return [];
    const serde = objectField(storage, 'SerdeInfo');
    const mappings = serde ? objectField(serde, 'Parameters') : undefined;
    const columns = arrayField(storage, 'Columns')
      .filter(isJsonObject)
      .flatMap((column) => {
        const columnName = stringField(column, 'Name');
        if (!columnName) return [];
        return [
          {
            name: columnName,
            key: (mappings && stringField(mappings, `mapping.${columnName}`)) ?? columnName,
          },
        ];
      });
    const partitionKeys = arrayField(input ?? {}, 'PartitionKeys')
      .filter(isJsonObject)
      .flatMap((key) => stringField(key, 'Name') ?? []);
    return [{ database, name, bucket: match[1] ?? '', prefix: match[2] ?? '', columns, partitionKeys }];
  });

/** A workgroup and where it writes results (`s3://bucket/prefix/`), as the template declares it. */
export interface WorkGroupModel {
  readonly name: string;
  readonly outputLocation: string | undefined;
}

export const workGroupsOf = (resources: readonly ResolvedResource[]): WorkGroupModel[] =>
  ofType(resources, 'AWS::Athena::WorkGroup').map((resource) => {
    const configuration = objectField(resource.properties, 'WorkGroupConfiguration');
    const result = configuration ? objectField(configuration, 'ResultConfiguration') : undefined;
    return {
      name: resource.identity.ref,
      outputLocation: result ? stringField(result, 'OutputLocation') : undefined,
    };
  });

export class AthenaError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface Execution {
  readonly workGroup?: string;
  readonly state: 'SUCCEEDED' | 'FAILED';
  readonly reason?: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** Athena's ExecutionParameters are SQL literals: a quoted string (quotes doubled), or a number. */
const valueOfLiteral = (literal: string): string =>
  /^'.*'$/s.test(literal) ? literal.slice(1, -1).replaceAll("''", "'") : literal;

/** Whether any object lies where the table reads (`<key>=<value>/` per partition key, then the object). */
const hasObjects = async (dir: string, partitionKeys: readonly string[]): Promise<boolean> => {
  const levels = partitionKeys.map((key) => `${key}=[^/]+/`).join('');
  const path = new RegExp(`^${levels}[^/]+$`);
  return (await readdir(dir, { recursive: true }).catch(() => [])).some((name) =>
    path.test(String(name).split(sep).join('/')),
  );
};

/**
 * Athena on this machine: StartQueryExecution runs the query at once in DuckDB, over the template's Glue tables
 * read from the local buckets (the Firehose streams' objects, partitions from their paths); the
 * execution's state and rows are then read with GetQueryExecution and GetQueryResults as from Athena.
 */
export class LocalAthena {
  private readonly executions = new Map<string, Execution>();
  private instance: Promise<DuckDBInstance> | undefined;

  constructor(
    readonly workGroups: readonly WorkGroupModel[],
    readonly tables: readonly GlueTableModel[],
    /** Where the local buckets are: `<root>/<bucket>/…`. */
    private readonly root: string,
  ) {}

  async startQueryExecution(input: JsonObject): Promise<JsonObject> {
    const workGroup = stringField(input, 'WorkGroup') ?? 'primary';
    if (!this.workGroups.some((known) => known.name === workGroup))
      throw new AthenaError('InvalidRequestException', `WorkGroup ${workGroup} is not found.`);
    const sql = stringField(input, 'QueryString');
    if (!sql) throw new AthenaError('InvalidRequestException', 'QueryString is required.');
    const parameters = arrayField(input, 'ExecutionParameters').map((value) => valueOfLiteral(String(value)));
    const id = randomUUID();
    this.executions.set(id, { ...(await this.run(sql, parameters)), workGroup });
    return { QueryExecutionId: id };
  }

  getQueryExecution(input: JsonObject): JsonObject {
    const id = stringField(input, 'QueryExecutionId') ?? '';
    const execution = this.executionOf(id);
    return {
      QueryExecution: {
        QueryExecutionId: id,
        Status: {
          State: execution.state,
          ...(execution.reason ? { StateChangeReason: execution.reason } : {}),
        },
      },
    };
  }

  getQueryResults(input: JsonObject): JsonObject {
    const execution = this.executionOf(stringField(input, 'QueryExecutionId') ?? '');
    if (execution.state !== 'SUCCEEDED')
      throw new AthenaError(
        'InvalidRequestException',
        `Query has not yet finished. Current state: ${execution.state}`,
      );
    const row = (values: readonly (string | null)[]) => ({
      Data: values.map((value) => (value === null ? {} : { VarCharValue: value })),
    });
    return {
      ResultSet: {
        Rows: [row(execution.columns), ...execution.rows.map(row)],
        ResultSetMetadata: {
          ColumnInfo: execution.columns.map((name) => ({ Name: name, Label: name, Type: 'varchar' })),
        },
      },
    };
  }

  /**
   * Runs one query now and answers its rows (null as undefined), for the runtime's own readers (the console):
   * what StartQueryExecution then GetQueryResults would give, without a workgroup or a caller to authorize.
   */
  async query(sql: string, parameters: readonly string[]): Promise<(string | undefined)[][]> {
    const execution = await this.run(sql, parameters);
    if (execution.state !== 'SUCCEEDED')
      throw new AthenaError('InvalidRequestException', execution.reason ?? sql);
    return execution.rows.map((row) => row.map((value) => value ?? undefined));
  }

  /** The workgroup an execution ran in: its GetQueryExecution and GetQueryResults are authorized on it. */
  workGroupOf(executionId: string): string | undefined {
    return this.executions.get(executionId)?.workGroup;
  }

  close(): void {
    void this.instance?.then((instance) => instance.closeSync());
  }

  private executionOf(id: string): Execution {
    const execution = this.executions.get(id);
    if (!execution) throw new AthenaError('InvalidRequestException', `QueryExecution ${id} was not found`);
    return execution;
  }

  /** The query under way: queries run one at a time (two replacing the same view at once conflict in DuckDB). */
  private turn: Promise<unknown> = Promise.resolve();

  private run(sql: string, parameters: readonly string[]): Promise<Execution> {
    const execution = this.turn.then(() => this.runNow(sql, parameters));
    this.turn = execution.catch(() => undefined);
    return execution;
  }

  /** Each query sees the objects delivered so far: the tables' views are made again before it runs. */
  private async runNow(sql: string, parameters: readonly string[]): Promise<Execution> {
    this.instance ??= DuckDBInstance.create(':memory:');
    const connection = await (await this.instance).connect();
    try {
      for (const table of this.tables) {
        const dir = join(this.root, table.bucket, table.prefix);
        const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;
        const keys = table.columns.map(({ key }) => `${quoted(key)}: 'VARCHAR'`).join(', ');
        const named = table.columns.map(({ name, key }) => `"${key}" AS ${name}`).join(', ');
        const partitions = table.partitionKeys.map((key) => `, ${key}`).join('');
        // One path level per partition key, as the projection's location template reads them: an object
        // elsewhere under the prefix (another layout) is not in the table, on Athena either.
        const objects = join(dir, ...table.partitionKeys.map((key) => `${key}=*`), '*');
        const source = (await hasObjects(dir, table.partitionKeys))
          ? `SELECT ${named}${partitions} FROM read_json(${quoted(objects)}, format = 'newline_delimited', hive_partitioning = true, hive_types_autocast = false, columns = {${keys}})`
          : `SELECT ${[...table.columns.map(({ name }) => name), ...table.partitionKeys].map((name) => `CAST(NULL AS VARCHAR) AS ${name}`).join(', ')} WHERE false`;
        await connection.run(`CREATE SCHEMA IF NOT EXISTS "${table.database}"`);
        await connection.run(`CREATE OR REPLACE VIEW "${table.database}"."${table.name}" AS ${source}`);
      }
      const reader = await connection.runAndReadAll(sql, [...parameters]);
      return {
        state: 'SUCCEEDED',
        columns: reader.columnNames(),
        rows: reader.getRows().map((row) => row.map((value) => (value === null ? null : String(value)))),
      };
    } catch (error) {
      return {
        state: 'FAILED',
        reason: error instanceof Error ? error.message : String(error),
        columns: [],
        rows: [],
      };
    } finally {
      connection.closeSync();
    }
  }
}
