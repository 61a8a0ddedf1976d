import type { ProfileDeleted, ProfileUpdated } from '#events/catalog.ts';
import type { AccountRef } from '#events/fields.ts';
import type { ProfileRecord } from '#shared/entities.ts';
import { instantKey } from '#shared/instant.ts';
import { convergeToLatest } from './converge.ts';
import type { LinkContext } from './link-context.ts';
import { type AccountClaim, deletedClaim } from './links.ts';

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
 * Profile Updated: claims on every account any version listed converge to the latest version (see
 * convergeToLatest). Costs one write per account, never per video: the videos learn of it through the fan-out.
 */
export const applyProfileUpdated = (context: LinkContext, profile: ProfileUpdated): Promise<void> => {
  let funnelStarted = false;
  return convergeToLatest<ProfileRecord, AccountRef>({
    describe: `profile ${profile.profileId}`,
    incoming: profile,
    listed: profile.linkedAccounts,
    sameRef: (a, b) => a.platform === b.platform && a.accountId === b.accountId,
    isFinal: (record) => record.deleted === true,
    read: async () => {
      const stored = await context.profiles.read(profile.profileId);
      // A profile that never listed an account has no claim anywhere, so no tap has led to it: its funnel starts
      // now, told before any claim of this version is written (once per listing attempt; the store keeps the first).
      const neverListed = !stored || stored.everListed.length === 0;
      if (neverListed && profile.linkedAccounts.length > 0 && !funnelStarted && context.creatorFunnels) {
        await context.creatorFunnels.firstListed(profile.profileId, context.now());
        funnelStarted = true;
      }
      return stored;
    },
    replaceIfUnchanged: (expected, everListed) =>
      context.profiles.replaceIfUnchanged(profile, expected, everListed),
    addEverListed: (accounts) => context.profiles.addEverListed(profile.profileId, accounts),
    project: (accounts, record) => writeClaims(context, accounts, (account) => claimOf(record, account)),
    finalize: (accounts) => deleteClaims(context, profile.profileId, accounts),
  });
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
