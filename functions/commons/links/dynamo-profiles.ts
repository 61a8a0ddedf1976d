import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProfileUpdated } from '#events/catalog.ts';
import type { AccountRef } from '#events/fields.ts';
import type { ProfileRecord } from '#shared/entities.ts';
import { profileKey } from '#shared/item-keys.ts';
import { VersionedItems, type VersionedItemsDesign } from './dynamo-versioned-items.ts';
import type { ProfileStore, StoredProfile } from './link-stores.ts';
import { accountRefs } from './refs.ts';

const PROFILE_ITEMS: VersionedItemsDesign<AccountRef> = {
  keyOf: profileKey,
  idAttribute: 'profileId',
  final: { flag: 'deleted', at: 'deletedAt' },
  refs: accountRefs,
  // A deleted profile's tombstone keeps its id, version and accounts (everListed), not who it was.
  personal: ['handle', 'displayName', 'portfolioUrl'],
};

/** Profile items: the latest accepted version, and every account any version of it ever listed. */
export class DynamoProfileStore extends VersionedItems<ProfileRecord, AccountRef> implements ProfileStore {
  constructor(documents: DynamoDBDocumentClient, tableName: string) {
    super(documents, tableName, PROFILE_ITEMS);
  }

  replaceIfUnchanged(
    profile: ProfileUpdated,
    expected: StoredProfile | undefined,
    everListed: readonly AccountRef[],
  ): Promise<boolean> {
    return this.replace(profile.profileId, profile, expected, everListed);
  }

  markDeleted(profileId: string, version: number, deletedAt: string): Promise<AccountRef[]> {
    return this.markFinal(profileId, version, deletedAt);
  }
}
