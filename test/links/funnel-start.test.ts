import { beforeEach, describe, expect, it } from 'vitest';
import { creatorFunnelStart } from '#funnel/creator-funnel-start.ts';
import { DynamoFunnelRollups } from '#funnel/dynamo-funnel-rollups.ts';
import { creatorRollupKey } from '#funnel/funnel-rollup.ts';
import { applyLinkEvent } from '#links/apply-event.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { LinkContext } from '#links/link-context.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite } from '../support/shared-resource.ts';

/**
 * A profile's first listing ever starts its funnel (functions/commons/funnel/creator-funnel-start.ts): no claim of
 * the profile existed before, so no tap can have led to it, and its first funnel read need not scan the log before.
 * A profile that listed accounts before keeps no floor: its history is read whole once.
 */
describe('the start of a creator funnel', () => {
  const dynamo = useDynalite();
  let links: LinkContext;
  let rollups: DynamoFunnelRollups;
  let tableName: string;
  let now: Date;

  const profile = (profileId: string, version: number, accounts: readonly string[]) => ({
    profileId,
    version,
    handle: profileId,
    displayName: profileId,
    portfolioUrl: `https://contra.com/${profileId}`,
    showPortfolioLink: true,
    linkedAccounts: accounts.map((accountId) => ({ platform: 'tiktok', accountId })),
    updatedAt: `2026-01-0${version}T00:00:00Z`,
  });
  const floorOf = async (profileId: string) =>
    (await rollups.get(creatorRollupKey(profileId)))?.rolledThrough;

  beforeEach(async () => {
    tableName = await dynamo.createTable('funnel-start');
    rollups = new DynamoFunnelRollups(dynamo.documents, tableName);
    now = new Date('2026-06-10T12:00:00Z');
    links = new LinkContext({
      stores: dynamoLinkStores(dynamo.documents, tableName),
      publisher: new RecordingPublisher(),
      publicBaseUrl: 'https://reelhire.example',
      clock: () => now,
      creatorFunnels: creatorFunnelStart(rollups),
    });
  });

  it('starts when a profile first lists an account, and stays where it started', async () => {
    await applyLinkEvent(links, 'Profile Updated', profile('nova', 1, []));
    expect(await floorOf('nova')).toBeUndefined();
    await applyLinkEvent(links, 'Profile Updated', profile('nova', 2, ['acct-nova']));
    expect(await floorOf('nova')).toBe('2026-06-10T10');
    now = new Date('2026-06-20T12:00:00Z');
    await applyLinkEvent(links, 'Profile Updated', profile('nova', 3, ['acct-nova', 'acct-nova-2']));
    await applyLinkEvent(links, 'Profile Updated', profile('nova', 2, ['acct-nova']));
    expect(await floorOf('nova')).toBe('2026-06-10T10');
  });

  it('sets no start for a profile that listed accounts before it was told (its history is read whole)', async () => {
    const untold = new LinkContext({
      stores: dynamoLinkStores(dynamo.documents, tableName),
      publisher: new RecordingPublisher(),
      publicBaseUrl: 'https://reelhire.example',
      clock: () => now,
    });
    await applyLinkEvent(untold, 'Profile Updated', profile('vega', 1, ['acct-vega']));
    now = new Date('2026-06-20T12:00:00Z');
    await applyLinkEvent(links, 'Profile Updated', profile('vega', 2, ['acct-vega', 'acct-vega-2']));
    expect(await floorOf('vega')).toBeUndefined();
  });
});
