import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from '../item-keys.ts';
import { coalescedReadsOf } from './coalesced-reads.ts';

/** The document client, created once per container; the endpoint comes from the SDK's usual configuration. */
let documents: DynamoDBDocumentClient | undefined;

export const documentClient = (): DynamoDBDocumentClient => {
  documents ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documents;
};

/** An item as the document client reads and writes it. */
export type Item = Record<string, unknown>;

/**
 * `#name = :name` for each attribute that has a value (undefined ones are left out), with the expression's
 * names and values: the optional SET terms of an update, the optional filters of a query.
 */
export const equalities = (attributes: Readonly<Record<string, unknown>>) => {
  const given = Object.entries(attributes).filter(([, value]) => value !== undefined);
  return {
    terms: given.map(([name]) => `#${name} = :${name}`),
    names: Object.fromEntries(given.map(([name]) => [`#${name}`, name])),
    values: Object.fromEntries(given.map(([name, value]) => [`:${name}`, value])),
  };
};

/** True for a conditional write the condition refused (the SDK's ConditionalCheckFailedException). */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** What a conditional write answered, or undefined when its condition refused it (nothing was written). */
export const unlessConditionFails = async <Output>(write: Promise<Output>): Promise<Output | undefined> => {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

/** The single table through the document client: what every feature's DynamoDB adapter starts from. */
export abstract class DynamoTable {
  constructor(
    protected readonly documents: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** One item, strongly consistent (a reader right after a writer must see its write). */
  protected async getItem(key: ItemKey): Promise<Item | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  /**
   * One item, strongly consistent, read together with the other records' reads of the same moment
   * (coalesced-reads.ts): for a batch consumer's read after write, one request for the batch instead of one each.
   */
  protected readCoalesced(key: ItemKey): Promise<Item | undefined> {
    return coalescedReadsOf(this.documents, this.tableName).read(key);
  }

  /** Writes `item` under `key` unless an item is there already: false when one was (the first writer wins). */
  protected async putIfAbsent(key: ItemKey, item: Item): Promise<boolean> {
    const put = this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key, ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return (await unlessConditionFails(put)) !== undefined;
  }
}
