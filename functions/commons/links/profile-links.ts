import type { ProfileDeleted, ProfileUpdated } from '#events/catalog.ts';
import type { AccountRef } from '#events/fields.ts';
import { instantKey } from '../domain/instant.ts';
import type { AccountClaim } from '../domain/links.ts';
import { deletedClaim } from '../store/accounts.ts';
import type { ProfileRecord } from '../store/records.ts';
import { distinctAccounts, type LinkContext } from './link-context.ts';

/** Compare-and-set rounds before giving up (the message is then retried by the queue). */
const MAX_ROUNDS = 8;

export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

const includes = (accounts: readonly AccountRef[], account: AccountRef): boolean =>
  accounts.some((listed) => listed.platform === account.platform && listed.accountId === account.accountId);

const claimOf = (profile: ProfileRecord, account: AccountRef): AccountClaim => ({
  profileId: profile.profileId,
  version: profile.version,
  listed: includes(profile.linkedAccounts ?? [], account),
  deleted: false,
  updatedAtKey: instantKey(profile.updatedAt ?? '0000-01-01T00:00:00Z'),
  portfolioUrl: profile.portfolioUrl ?? '',
  showPortfolioLink: profile.showPortfolioLink ?? false,
});

const writeClaims = async (
  context: LinkContext,
  accounts: readonly AccountRef[],
  claimFor: (account: AccountRef) => AccountClaim,
): Promise<void> => {
  await Promise.all(
    accounts.map(async (account) => {
      const write = await context.accounts.writeClaim(account.platform, account.accountId, claimFor(account));
      await context.followUp(account, write);
    }),
  );
};

const deleteClaims = (context: LinkContext, profileId: string, accounts: readonly AccountRef[]) =>
  writeClaims(context, accounts, () => deletedClaim(profileId));

/**
 * Profile Updated. The profile item is the serialization point: claims are written on every account any
 * version listed (listed or not by this version), then the item moves to this version only if it is still the
 * version read. A writer that loses the race aligns the accounts only it touched with the winner, so every
 * account converges to the profile's latest version, whatever the order of delivery. Costs one write per
 * account, never per video: the videos learn of the change through the fan-out.
 */
export const applyProfileUpdated = async (context: LinkContext, profile: ProfileUpdated): Promise<void> => {
  const record: ProfileRecord = profile;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stored = await context.profiles.read(profile.profileId);
    if (stored?.record.deleted) {
      await deleteClaims(
        context,
        profile.profileId,
        distinctAccounts([...stored.everListed, ...profile.linkedAccounts]),
      );
      return;
    }
    if (stored && stored.record.version > profile.version) return;
    const everListed = distinctAccounts([...(stored?.everListed ?? []), ...profile.linkedAccounts]);
    await writeClaims(context, everListed, (account) => claimOf(record, account));
    if (stored?.record.version === profile.version) return;
    if (await context.profiles.replaceIfUnchanged(profile, stored, everListed)) return;

    const winner = await context.profiles.read(profile.profileId);
    if (!winner) continue;
    if (winner.record.deleted) {
      await deleteClaims(context, profile.profileId, everListed);
      return;
    }
    if (winner.record.version > profile.version) {
      const onlyOurs = everListed.filter((account) => !includes(winner.everListed, account));
      await context.profiles.addEverListed(profile.profileId, onlyOurs);
      await writeClaims(context, onlyOurs, (account) => claimOf(winner.record, account));
      return;
    }
  }
  throw new ConcurrentUpdateError(`profile ${profile.profileId} kept changing; will retry`);
};

/** Profile Deleted: final, whatever its version. Every account any version listed loses the profile's claim. */
export const applyProfileDeleted = async (context: LinkContext, deleted: ProfileDeleted): Promise<void> => {
  const everListed = await context.profiles.markDeleted(
    deleted.profileId,
    deleted.version,
    deleted.deletedAt,
  );
  await deleteClaims(context, deleted.profileId, everListed);
};
