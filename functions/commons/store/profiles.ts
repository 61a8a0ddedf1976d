import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProfileUpdated } from '#events/catalog.ts';
import type { AccountRef } from '#events/fields.ts';
import { profileKey } from './keys.ts';
import type { ProfileRecord } from './records.ts';
import { parseRef, refString, stringSet } from './refs.ts';

/** A profile item: its latest accepted version, and every account any version of it ever listed. */
export interface StoredProfile {
  readonly record: ProfileRecord;
  /** The accounts any seen version listed: whoever writes claims next must revisit all of them. */
  readonly everListed: AccountRef[];
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

const accountsOf = (refs: readonly string[]): AccountRef[] =>
  refs.map(parseRef).map(({ platform, id }) => ({ platform, accountId: id }));

export class ProfileStore {
  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(profileId: string): Promise<StoredProfile | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: profileKey(profileId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, everListed, ...record } = Item;
    return { record: record as ProfileRecord, everListed: accountsOf(stringSet(everListed)) };
  }

  /**
   * Stores a newer version if the item is still what the caller read (compare-and-set on the version), so two
   * versions processed at once cannot both believe they are the latest. False when someone else won.
   */
  async replaceIfUnchanged(
    profile: ProfileUpdated,
    expected: StoredProfile | undefined,
    everListed: readonly AccountRef[],
  ): Promise<boolean> {
    const refs = new Set(everListed.map((account) => refString(account.platform, account.accountId)));
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...profileKey(profile.profileId),
            ...profile,
            ...(refs.size > 0 ? { everListed: refs } : {}),
          },
          ConditionExpression: expected
            ? 'version = :expected AND attribute_not_exists(deleted)'
            : 'attribute_not_exists(pk)',
          ...(expected ? { ExpressionAttributeValues: { ':expected': expected.record.version } } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Remembers accounts a losing writer may have claimed, so the winner's successors revisit them. */
  async addEverListed(profileId: string, accounts: readonly AccountRef[]): Promise<void> {
    if (accounts.length === 0) return;
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: profileKey(profileId),
        UpdateExpression: 'ADD everListed :refs',
        ExpressionAttributeValues: {
          ':refs': new Set(accounts.map((account) => refString(account.platform, account.accountId))),
        },
      }),
    );
  }

  /** Marks the profile deleted, for good, and returns every account any version listed. */
  async markDeleted(profileId: string, version: number, deletedAt: string): Promise<AccountRef[]> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: profileKey(profileId),
        UpdateExpression:
          'SET profileId = :profileId, deleted = :true, deletedAt = if_not_exists(deletedAt, :at), ' +
          'version = if_not_exists(version, :version)',
        ExpressionAttributeValues: {
          ':profileId': profileId,
          ':true': true,
          ':at': deletedAt,
          ':version': version,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return accountsOf(stringSet(Attributes?.everListed));
  }
}
