import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProfileUpdated } from '#events/catalog.ts';
import type { AccountRef } from '#events/fields.ts';
import type { ProfileRecord } from '#shared/entities.ts';
import { profileKey } from '#shared/item-keys.ts';
import { VersionedItems } from './dynamo-versioned-items.ts';
import type { ProfileStore, StoredProfile } from './link-stores.ts';

/** Profile items: the latest accepted version, and every account any version of it ever listed. */
export class DynamoProfileStore implements ProfileStore {
  private readonly items: VersionedItems<ProfileRecord, AccountRef>;

  constructor(documents: DynamoDBDocumentClient, tableName: string) {
    this.items = new VersionedItems(documents, tableName, {
      keyOf: profileKey,
      finalFlag: 'deleted',
      refOf: (platform, accountId) => ({ platform, accountId }),
      refParts: (account) => ({ platform: account.platform, id: account.accountId }),
      internal: [],
    });
  }

  read(profileId: string): Promise<StoredProfile | undefined> {
    return this.items.read(profileId);
  }

  replaceIfUnchanged(
    profile: ProfileUpdated,
    expected: StoredProfile | undefined,
    everListed: readonly AccountRef[],
  ): Promise<boolean> {
    return this.items.replaceIfUnchanged(profile.profileId, profile, expected, everListed);
  }

  addEverListed(profileId: string, accounts: readonly AccountRef[]): Promise<void> {
    return this.items.addEverListed(profileId, accounts);
  }

  /** Marks the profile deleted, for good, and returns every account any version listed. */
  markDeleted(profileId: string, version: number, deletedAt: string): Promise<AccountRef[]> {
    return this.items.markFinal(profileId, 'profileId', version, {
      attribute: 'deletedAt',
      value: deletedAt,
    });
  }
}
