import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Platform } from '#events/fields.ts';
import { isConditionFailure } from '#shared/aws/dynamo.ts';
import type { ItemKey } from '#shared/item-keys.ts';
import type { StoredVersioned } from './link-stores.ts';
import { parseRef, refString, stringSet } from './refs.ts';

export interface VersionedItemsDesign<Ref> {
  readonly keyOf: (id: string) => ItemKey;
  /** The attribute that marks the entity final (`deleted`, `closed`). */
  readonly finalFlag: string;
  readonly refOf: (platform: Platform, id: string) => Ref;
  readonly refParts: (ref: Ref) => { platform: Platform; id: string };
  /** Attributes stored beside the record but not part of it (index keys). */
  readonly internal: readonly string[];
}

/**
 * Items that hold the latest accepted version of a profile or a job, a final flag (deleted, closed) and
 * `everListed`: every `(platform, id)` any version listed, so that whoever writes next revisits all of them.
 * The item is the serialization point of its entity: a new version replaces it only if it is still the version
 * its writer read (compare-and-set), and the final flag can never be cleared.
 */
export class VersionedItems<Entity extends { version: number }, Ref> {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly design: VersionedItemsDesign<Ref>,
  ) {}

  private refsOf(refs: readonly Ref[]): Set<string> {
    return new Set(
      refs.map((ref) => this.design.refParts(ref)).map(({ platform, id }) => refString(platform, id)),
    );
  }

  private parseRefs(value: unknown): Ref[] {
    return stringSet(value)
      .map(parseRef)
      .map(({ platform, id }) => this.design.refOf(platform, id));
  }

  async read(id: string): Promise<StoredVersioned<Entity, Ref> | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: this.design.keyOf(id), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const record: Record<string, unknown> = { ...Item };
    for (const name of ['pk', 'sk', 'everListed', ...this.design.internal]) delete record[name];
    return { record: record as Entity, everListed: this.parseRefs(Item.everListed) };
  }

  /** Stores a newer version if the item is still the version read. False when another writer got there first. */
  async replaceIfUnchanged(
    id: string,
    entity: Entity,
    expected: StoredVersioned<Entity, Ref> | undefined,
    everListed: readonly Ref[],
    extra: Readonly<Record<string, unknown>> = {},
  ): Promise<boolean> {
    const refs = this.refsOf(everListed);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.design.keyOf(id),
            ...entity,
            ...extra,
            ...(refs.size > 0 ? { everListed: refs } : {}),
          },
          ConditionExpression: expected
            ? 'version = :expected AND attribute_not_exists(#final)'
            : 'attribute_not_exists(pk)',
          ...(expected
            ? {
                ExpressionAttributeNames: { '#final': this.design.finalFlag },
                ExpressionAttributeValues: { ':expected': expected.record.version },
              }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Remembers what a losing writer may have touched, so the winner's successors revisit it. */
  async addEverListed(id: string, refs: readonly Ref[]): Promise<void> {
    if (refs.length === 0) return;
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.design.keyOf(id),
        UpdateExpression: 'ADD everListed :refs',
        ExpressionAttributeValues: { ':refs': this.refsOf(refs) },
      }),
    );
  }

  /**
   * Marks the entity final, for good, whatever its version, and returns everything any version listed.
   * `idAttribute` names the entity's id on a tombstone that was never seen otherwise; `remove` drops index keys.
   */
  async markFinal(
    id: string,
    idAttribute: string,
    version: number,
    at: { readonly attribute: string; readonly value: string },
    remove: readonly string[] = [],
  ): Promise<Ref[]> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.design.keyOf(id),
        UpdateExpression:
          'SET #id = :id, #final = :true, #at = if_not_exists(#at, :at), version = if_not_exists(version, :version)' +
          (remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''),
        ExpressionAttributeNames: {
          '#id': idAttribute,
          '#final': this.design.finalFlag,
          '#at': at.attribute,
        },
        ExpressionAttributeValues: { ':id': id, ':true': true, ':at': at.value, ':version': version },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return this.parseRefs(Attributes?.everListed);
  }
}
