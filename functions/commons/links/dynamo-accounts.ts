import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { type Platform, portfolioUrl } from '#events/fields.ts';
import { DynamoTable, type Item, unlessConditionFails } from '#shared/aws/dynamo.ts';
import { accountKey } from '#shared/item-keys.ts';
import type { AccountStore, AccountWrite } from './link-stores.ts';
import { type AccountClaim, type AccountState, isLinked } from './links.ts';

/**
 * Account items: every profile's claim on the account (one attribute `c#<profileId>` each, as of the latest
 * version of that profile the account has seen) and the latest disconnection. Everything needed to know an
 * account's owner and portfolio link is in this one item, so reading a video's links takes two round trips.
 */
const CLAIM_PREFIX = 'c#';

interface StoredClaim {
  readonly v: number;
  readonly listed: boolean;
  readonly deleted: boolean;
  readonly upd: string;
  readonly url: string;
  readonly show: boolean;
}

const claimOf = (profileId: string, stored: StoredClaim): AccountClaim => ({
  profileId,
  version: stored.v,
  listed: stored.listed,
  deleted: stored.deleted,
  updatedAtKey: stored.upd,
  // Kept normalized since the schema normalizes; one kept before is served normalized all the same.
  portfolioUrl: portfolioUrl.safeParse(stored.url).data ?? stored.url,
  showPortfolioLink: stored.show,
});

const storedOf = (claim: AccountClaim): StoredClaim => ({
  v: claim.version,
  listed: claim.listed,
  deleted: claim.deleted,
  upd: claim.updatedAtKey,
  url: claim.portfolioUrl,
  show: claim.showPortfolioLink,
});

const accountStateOf = (item: Item | undefined): AccountState | undefined => {
  if (!item) return undefined;
  const claims: AccountClaim[] = [];
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(CLAIM_PREFIX))
      claims.push(claimOf(name.slice(CLAIM_PREFIX.length), value as StoredClaim));
  }
  return {
    claims,
    ...(typeof item.disc === 'string' ? { disconnectedAtKey: item.disc } : {}),
  };
};

const withClaim = (state: AccountState | undefined, claim: AccountClaim): AccountState => ({
  ...(state ?? {}),
  claims: [...(state?.claims ?? []).filter((existing) => existing.profileId !== claim.profileId), claim],
});

/** The update of one account item: what to set, on which condition; its old attributes come back. */
type AccountUpdate = Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

export class DynamoAccountStore extends DynamoTable implements AccountStore {
  async read(platform: Platform, accountId: string): Promise<AccountState | undefined> {
    return accountStateOf(await this.readCoalesced(accountKey(platform, accountId)));
  }

  /** True iff some live profile's latest version lists the account. */
  async isLinked(platform: Platform, accountId: string): Promise<boolean> {
    const state = await this.read(platform, accountId);
    return state !== undefined && isLinked(state);
  }

  /**
   * Writes a profile's claim unless the account has seen a newer version of that profile (or its deletion).
   * An equal version is written again, idempotently, so a retry can tell it may have to finish its work.
   */
  writeClaim(platform: Platform, accountId: string, claim: AccountClaim): Promise<AccountWrite> {
    const update: AccountUpdate = {
      UpdateExpression: 'SET platform = :platform, accountId = :accountId, #claim = :claim',
      ConditionExpression: 'attribute_not_exists(#claim) OR #claim.v <= :v',
      ExpressionAttributeNames: { '#claim': `${CLAIM_PREFIX}${claim.profileId}` },
      ExpressionAttributeValues: {
        ':platform': platform,
        ':accountId': accountId,
        ':claim': storedOf(claim),
        ':v': claim.version,
      },
    };
    return this.write(platform, accountId, update, (before) => ({
      after: withClaim(before, claim),
      repeated:
        before?.claims.find((existing) => existing.profileId === claim.profileId)?.version === claim.version,
    }));
  }

  /** Records a disconnection; the latest `disconnectedAt` counts. */
  recordDisconnection(
    platform: Platform,
    accountId: string,
    disconnectedAtKey: string,
  ): Promise<AccountWrite> {
    const update: AccountUpdate = {
      UpdateExpression: 'SET platform = :platform, accountId = :accountId, disc = :disc',
      ConditionExpression: 'attribute_not_exists(disc) OR disc <= :disc',
      ExpressionAttributeValues: {
        ':platform': platform,
        ':accountId': accountId,
        ':disc': disconnectedAtKey,
      },
    };
    return this.write(platform, accountId, update, (before) => ({
      after: { claims: before?.claims ?? [], disconnectedAtKey },
      repeated: before?.disconnectedAtKey === disconnectedAtKey,
    }));
  }

  /** A conditional update: when the stored state is newer it writes nothing and says what is stored. */
  private async write(
    platform: Platform,
    accountId: string,
    update: AccountUpdate,
    outcome: (before: AccountState | undefined) => Pick<AccountWrite, 'after' | 'repeated'>,
  ): Promise<AccountWrite> {
    const written = await unlessConditionFails(
      this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: accountKey(platform, accountId),
          ...update,
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    if (written === undefined) {
      const current = await this.read(platform, accountId);
      return { before: current, after: current ?? { claims: [] }, applied: false, repeated: false };
    }
    const before = accountStateOf(written.Attributes);
    return { before, applied: true, ...outcome(before) };
  }
}
