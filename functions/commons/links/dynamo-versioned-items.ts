import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoTable, unlessConditionFails } from '#shared/aws/dynamo.ts';
import type { ItemKey } from '#shared/item-keys.ts';
import type { StoredVersioned } from './link-stores.ts';
import { parseRef, type RefCodec, refString, stringSet } from './refs.ts';

export interface VersionedItemsDesign<Ref> {
  readonly keyOf: (id: string) => ItemKey;
  /** The attribute naming the entity's id, set on a tombstone that was never seen otherwise. */
  readonly idAttribute: string;
  /** The attribute that marks the entity final (`deleted`, `closed`), and the one recording when. */
  readonly final: { readonly flag: string; readonly at: string };
  readonly refs: RefCodec<Ref>;
  /** Attributes stored beside the record but not part of it (index keys); the final state drops them. */
  readonly internal?: readonly string[];
  /** Personal attributes of the record: the final state drops them too (a deleted profile, CONTRACT §7). */
  readonly personal?: readonly string[];
}

/**
 * Items that hold the latest accepted version of a profile or a job, a final flag (deleted, closed) and
 * `everListed`: every `(platform, id)` any version listed, so that whoever writes next revisits all of them.
 * The item is the serialization point of its entity: a new version replaces it only if it is still the version
 * its writer read (compare-and-set), and the final flag can never be cleared.
 */
export abstract class VersionedItems<Entity extends { version: number }, Ref> extends DynamoTable {
  constructor(
    documents: DynamoDBDocumentClient,
    tableName: string,
    private readonly design: VersionedItemsDesign<Ref>,
  ) {
    super(documents, tableName);
  }

  private get internal(): readonly string[] {
    return this.design.internal ?? [];
  }

  private refsOf(refs: readonly Ref[]): Set<string> {
    return new Set(
      refs.map((ref) => this.design.refs.parts(ref)).map(({ platform, id }) => refString(platform, id)),
    );
  }

  private parseRefs(value: unknown): Ref[] {
    return stringSet(value)
      .map(parseRef)
      .map(({ platform, id }) => this.design.refs.of(platform, id));
  }

  async read(id: string): Promise<StoredVersioned<Entity, Ref> | undefined> {
    const item = await this.getItem(this.design.keyOf(id));
    if (!item) return undefined;
    const record: Record<string, unknown> = { ...item };
    for (const name of ['pk', 'sk', 'everListed', ...this.internal]) delete record[name];
    return { record: record as Entity, everListed: this.parseRefs(item.everListed) };
  }

  /** Stores a newer version if the item is still the version read. False when another writer got there first. */
  protected async replace(
    id: string,
    entity: Entity,
    expected: StoredVersioned<Entity, Ref> | undefined,
    everListed: readonly Ref[],
    extra: Readonly<Record<string, unknown>> = {},
  ): Promise<boolean> {
    const refs = this.refsOf(everListed);
    const replaced = await unlessConditionFails(
      this.documents.send(
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
                ExpressionAttributeNames: { '#final': this.design.final.flag },
                ExpressionAttributeValues: { ':expected': expected.record.version },
              }
            : {}),
        }),
      ),
    );
    return replaced !== undefined;
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
   * Marks the entity final at `at`, for good, whatever its version, and returns everything any version listed.
   * The internal attributes (index keys) and the personal ones go with it.
   */
  protected async markFinal(id: string, version: number, at: string): Promise<Ref[]> {
    const dropped = [...this.internal, ...(this.design.personal ?? [])];
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.design.keyOf(id),
        UpdateExpression:
          'SET #id = :id, #final = :true, #at = if_not_exists(#at, :at), version = if_not_exists(version, :version)' +
          (dropped.length > 0 ? ` REMOVE ${dropped.join(', ')}` : ''),
        ExpressionAttributeNames: {
          '#id': this.design.idAttribute,
          '#final': this.design.final.flag,
          '#at': this.design.final.at,
        },
        ExpressionAttributeValues: { ':id': id, ':true': true, ':at': at, ':version': version },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return this.parseRefs(Attributes?.everListed);
  }
}
