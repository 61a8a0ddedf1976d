import type { ResolvedResource } from '../../cloudformation/intrinsics.ts';
import { ofType } from '../../cloudformation/intrinsics.ts';
import { arrayField, isJsonObject, type JsonObject, objectField, stringField } from '../../json.ts';
import { localArn } from '../../local-account.ts';
import type { RequestContext } from '../evaluation.ts';
import { type AuthorizationCheck, type CallChecks, distinctChecks } from './authorization-check.ts';

/**
 * The IAM checks of a DynamoDB call (AWS JSON 1.0, `X-Amz-Target: DynamoDB_20120810.<Operation>`), as the
 * DynamoDB "Actions, resources and condition keys" reference lists them: the table, or `table/T/index/I` for
 * a Query or Scan of an index; one check per table for batches and transactions; and the condition keys
 * dynamodb:LeadingKeys (partition key values, when the key schema is known), dynamodb:Select,
 * dynamodb:ReturnValues and dynamodb:ReturnConsumedCapacity.
 */

/** Each table's partition key, and each index's, by table name. */
export type TableKeys = ReadonlyMap<
  string,
  { readonly partitionKey: string; readonly indexes: ReadonlyMap<string, string> }
>;

const partitionKeyOf = (keySchema: unknown): string | undefined =>
  (Array.isArray(keySchema) ? keySchema : [])
    .filter(isJsonObject)
    .find((element) => element.KeyType === 'HASH')?.AttributeName as string | undefined;

/** The key schemas of the templates' tables, for dynamodb:LeadingKeys. */
export const tableKeysOf = (resources: readonly ResolvedResource[]): TableKeys =>
  new Map(
    ofType(resources, 'AWS::DynamoDB::Table').flatMap((table) => {
      const partitionKey = partitionKeyOf(table.properties.KeySchema);
      if (!partitionKey) return [];
      const indexes = new Map<string, string>();
      for (const index of arrayField(table.properties, 'GlobalSecondaryIndexes').filter(isJsonObject)) {
        const name = stringField(index, 'IndexName');
        const key = partitionKeyOf(index.KeySchema);
        if (name && key) indexes.set(name, key);
      }
      for (const index of arrayField(table.properties, 'LocalSecondaryIndexes').filter(isJsonObject)) {
        const name = stringField(index, 'IndexName');
        if (name) indexes.set(name, partitionKey);
      }
      return [[table.identity.ref, { partitionKey, indexes }] as const];
    }),
  );

const tableArnOf = (tableName: string): string =>
  tableName.startsWith('arn:') ? tableName : localArn('dynamodb', `table/${tableName}`);

const tableNameOf = (tableNameOrArn: string): string =>
  tableNameOrArn.split(':table/').pop() ?? tableNameOrArn;

/** A scalar attribute value as the string IAM compares ({S}, {N} or {B}). */
const scalarOf = (value: unknown): string | undefined => {
  if (!isJsonObject(value)) return undefined;
  for (const type of ['S', 'N', 'B']) if (typeof value[type] === 'string') return value[type] as string;
  return undefined;
};

/** The partition key values a KeyConditionExpression (or legacy KeyConditions) fixes. */
const queriedPartitionKeys = (input: JsonObject, partitionKey: string): string[] => {
  const expression = stringField(input, 'KeyConditionExpression');
  if (expression) {
    const names = objectField(input, 'ExpressionAttributeNames') ?? {};
    const values = objectField(input, 'ExpressionAttributeValues') ?? {};
    for (const part of expression.split(/\bAND\b/i)) {
      const match = /^\s*\(?\s*([#\w.]+)\s*=\s*(:\w+)\s*\)?\s*$/.exec(part);
      if (!match) continue;
      const name = match[1]!.startsWith('#') ? stringField(names, match[1]!) : match[1];
      const value = scalarOf(values[match[2]!]);
      if (name === partitionKey && value !== undefined) return [value];
    }
    return [];
  }
  const condition = objectField(objectField(input, 'KeyConditions') ?? {}, partitionKey);
  const value = condition ? scalarOf(arrayField(condition, 'AttributeValueList')[0]) : undefined;
  return value === undefined ? [] : [value];
};

const requestKeys = (input: JsonObject): RequestContext => {
  const context: Record<string, string> = {};
  for (const [field, key] of [
    ['Select', 'dynamodb:Select'],
    ['ReturnValues', 'dynamodb:ReturnValues'],
    ['ReturnConsumedCapacity', 'dynamodb:ReturnConsumedCapacity'],
  ] as const) {
    const value = stringField(input, field);
    if (value !== undefined) context[key] = value;
  }
  return context;
};

const check = (
  action: string,
  resource: string,
  context: RequestContext,
  leadingKeys: readonly string[] | undefined,
): AuthorizationCheck => {
  const withKeys =
    leadingKeys && leadingKeys.length > 0
      ? { ...context, 'dynamodb:LeadingKeys': [...new Set(leadingKeys)] }
      : context;
  return { action, resource, ...(Object.keys(withKeys).length > 0 ? { context: withKeys } : {}) };
};

/** Operations whose IAM action is the operation's name and whose resource is the table (or '*'). */
const ITEM_OPERATIONS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem']);
const UNSUPPORTED = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);
const ACCOUNT_OPERATIONS = new Set([
  'ListTables',
  'DescribeLimits',
  'DescribeEndpoints',
  'ListBackups',
  'ListGlobalTables',
]);

export const dynamodbChecks = (
  operation: string,
  input: JsonObject,
  tableKeys: TableKeys = new Map(),
): CallChecks => {
  const action = `dynamodb:${operation}`;
  const keysOf = (tableName: string) => tableKeys.get(tableNameOf(tableName));
  const itemKey = (tableName: string, item: unknown): string[] => {
    const partitionKey = keysOf(tableName)?.partitionKey;
    const value = partitionKey && isJsonObject(item) ? scalarOf(item[partitionKey]) : undefined;
    return value === undefined ? [] : [value];
  };
  const context = requestKeys(input);
  const tableName = stringField(input, 'TableName');

  if (UNSUPPORTED.has(operation)) return { unmapped: `PartiQL (${operation}) is not authorized locally` };
  if (ACCOUNT_OPERATIONS.has(operation)) return { checks: [check(action, '*', context, undefined)] };
  if (ITEM_OPERATIONS.has(operation) && tableName) {
    const item = operation === 'PutItem' ? input.Item : input.Key;
    return { checks: [check(action, tableArnOf(tableName), context, itemKey(tableName, item))] };
  }
  if ((operation === 'Query' || operation === 'Scan') && tableName) {
    const indexName = stringField(input, 'IndexName');
    const resource = tableArnOf(tableName) + (indexName ? `/index/${indexName}` : '');
    const keys = keysOf(tableName);
    const partitionKey = indexName ? keys?.indexes.get(indexName) : keys?.partitionKey;
    const leading = operation === 'Query' && partitionKey ? queriedPartitionKeys(input, partitionKey) : [];
    return { checks: [check(action, resource, context, leading)] };
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const requestItems = objectField(input, 'RequestItems') ?? {};
    return {
      checks: Object.entries(requestItems).map(([table, request]) => {
        const items =
          operation === 'BatchGetItem'
            ? isJsonObject(request)
              ? arrayField(request, 'Keys')
              : []
            : (Array.isArray(request) ? request : [])
                .filter(isJsonObject)
                .map(
                  (write) =>
                    objectField(write, 'PutRequest')?.Item ?? objectField(write, 'DeleteRequest')?.Key,
                );
        return check(
          action,
          tableArnOf(table),
          context,
          items.flatMap((item) => itemKey(table, item)),
        );
      }),
    };
  }
  if (operation === 'TransactGetItems' || operation === 'TransactWriteItems') {
    const actionsByMember: Record<string, string> = {
      Get: 'dynamodb:GetItem',
      Put: 'dynamodb:PutItem',
      Update: 'dynamodb:UpdateItem',
      Delete: 'dynamodb:DeleteItem',
      ConditionCheck: 'dynamodb:ConditionCheckItem',
    };
    const checks = arrayField(input, 'TransactItems')
      .filter(isJsonObject)
      .flatMap((transactItem) =>
        Object.entries(transactItem).flatMap(([member, body]) => {
          const memberAction = actionsByMember[member];
          const table = isJsonObject(body) ? stringField(body, 'TableName') : undefined;
          if (!memberAction || !table || !isJsonObject(body)) return [];
          const item = member === 'Put' ? body.Item : body.Key;
          return [check(memberAction, tableArnOf(table), context, itemKey(table, item))];
        }),
      );
    return { checks: distinctChecks(checks) };
  }
  const resourceArn = stringField(input, 'ResourceArn') ?? stringField(input, 'TableArn');
  return {
    checks: [check(action, resourceArn ?? (tableName ? tableArnOf(tableName) : '*'), context, undefined)],
  };
};
