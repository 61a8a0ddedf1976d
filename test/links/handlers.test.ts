import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventSchemaError } from '#events/parse.ts';
import { applyLinkEvent } from '#links/apply-event.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { FANOUT_PAGE_SIZE } from '#links/fanout.ts';
import { announceExpiredJobs } from '#links/job-links.ts';
import { LinkContext } from '#links/link-context.ts';
import { readLinks } from '#links/read-links.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite } from '../support/shared-resource.ts';
import { drainFanouts as drainAllFanouts } from './drain-fanouts.ts';

const BASE = 'https://reelhire.example';
const account = { platform: 'tiktok' as const, accountId: 'acct-maya' };

const profile = (version: number, overrides: Record<string, unknown> = {}) => ({
  profileId: 'maya',
  version,
  handle: 'maya',
  displayName: 'Maya',
  portfolioUrl: `https://contra.com/maya/v${version}`,
  showPortfolioLink: true,
  linkedAccounts: [account],
  updatedAt: `2026-01-0${version}T00:00:00Z`,
  ...overrides,
});

const posted = (videoId: string) => ({
  ...account,
  videoId,
  postedAt: '2026-01-01T00:00:00Z',
  url: `https://www.tiktok.com/@maya/video/${videoId}`,
});

const job = (version: number, overrides: Record<string, unknown> = {}) => ({
  jobId: 'job-1',
  version,
  employerId: 'northwind',
  title: 'Brand designer',
  notifyUrl: 'https://hooks.example/apply',
  videos: [{ platform: 'tiktok', videoId: 'v1' }],
  publishedAt: '2026-01-01T00:00:00Z',
  ...overrides,
});

describe('link handlers against dynalite', () => {
  const dynamo = useDynalite();
  let publisher: RecordingPublisher;
  let links: LinkContext;
  let now: Date;
  let tableName: string;

  const apply = (detailType: string, detail: unknown) => applyLinkEvent(links, detailType, detail);
  const changes = () => publisher.detailsOf('linkChanged');
  const fanouts = () => publisher.detailsOf('linkFanoutRequested');

  const drainFanouts = () => drainAllFanouts(links, publisher);

  beforeEach(async () => {
    tableName = await dynamo.createTable('handlers');
    publisher = new RecordingPublisher();
    now = new Date('2026-06-01T00:00:00Z');
    links = new LinkContext({
      stores: dynamoLinkStores(dynamo.documents, tableName),
      publisher,
      publicBaseUrl: BASE,
      clock: () => now,
    });
  });

  it('gives a posted video its owner portfolio link and announces it once', async () => {
    await apply('Profile Updated', profile(1));
    await apply('Video Posted', posted('v1'));
    await apply('Video Posted', posted('v1'));
    expect(await readLinks(links, 'tiktok', 'v1')).toEqual({
      portfolio: { profileId: 'maya', url: 'https://contra.com/maya/v1' },
      apply: null,
    });
    expect(changes()).toEqual(
      [
        {
          ...account,
          videoId: 'v1',
          kind: 'portfolio',
          state: 'active',
          url: 'https://contra.com/maya/v1',
          profileId: 'maya',
        },
      ].map(({ accountId: _a, ...change }) => change),
    );
  });

  it('keeps a removed video removed, even when it is reported public again', async () => {
    await apply('Profile Updated', profile(1));
    await apply('Video Posted', posted('v1'));
    await apply('Video Removed', {
      ...account,
      videoId: 'v1',
      reason: 'moderation',
      removedAt: '2026-01-02T00:00:00Z',
    });
    await apply('Video Posted', { ...posted('v1'), url: 'https://www.tiktok.com/@maya/video/v1?again' });
    expect(await readLinks(links, 'tiktok', 'v1')).toEqual({ portfolio: null, apply: null });
    expect(changes().at(-1)).toEqual({
      platform: 'tiktok',
      videoId: 'v1',
      kind: 'portfolio',
      state: 'inactive',
      profileId: 'maya',
    });
  });

  it('shrinks a removed video to a tombstone once announced, expires its candidates, and keeps it removed', async () => {
    await apply('Profile Updated', profile(1));
    await apply('Job Published', job(1));
    await apply('Video Posted', posted('v1'));
    const removal = { ...account, videoId: 'v1', reason: 'moderation', removedAt: '2026-01-02T00:00:00Z' };
    await apply('Video Removed', removal);

    const partition = async () =>
      (
        await dynamo.documents.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': 'VIDEO#tiktok#v1' },
          }),
        )
      ).Items ?? [];
    const items = await partition();
    const tombstone = items.find((item) => item.sk === 'VIDEO');
    expect(tombstone).toEqual({
      pk: 'VIDEO#tiktok#v1',
      sk: 'VIDEO',
      platform: 'tiktok',
      videoId: 'v1',
      removed: true,
      removedAt: removal.removedAt,
      removalReason: 'moderation',
    });
    const candidates = items.filter((item) => String(item.sk).startsWith('JOB#'));
    expect(candidates).toHaveLength(1);
    expect(candidates[0]?.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

    // The tombstone alone keeps it removed: a late post, a replayed removal and a new job version change nothing.
    publisher.clear();
    await apply('Video Posted', posted('v1'));
    await apply('Video Removed', removal);
    await apply('Job Published', job(2));
    expect(await readLinks(links, 'tiktok', 'v1')).toEqual({ portfolio: null, apply: null });
    expect(changes()).toEqual([]);
    expect((await partition()).find((item) => item.sk === 'VIDEO')).toEqual(tombstone);
  });

  it('announces a profile change on every live video of its accounts, in pages of at most 100', async () => {
    await apply('Profile Updated', profile(1));
    const videos = Array.from({ length: 230 }, (_, index) => `v${String(index).padStart(3, '0')}`);
    for (const videoId of videos) await apply('Video Posted', posted(videoId));
    await apply('Video Removed', {
      ...account,
      videoId: 'v000',
      reason: 'creator',
      removedAt: '2026-01-02T00:00:00Z',
    });
    publisher.clear();

    await apply('Profile Updated', profile(2));
    await drainFanouts();

    expect(fanouts().map((request) => request.page)).toEqual([1, 2, 3]);
    const announced = changes();
    expect(announced).toHaveLength(229);
    expect(new Set(announced.map((change) => change.videoId)).size).toBe(229);
    expect(announced.every((change) => change.url === 'https://contra.com/maya/v2')).toBe(true);
    expect(FANOUT_PAGE_SIZE).toBeLessThanOrEqual(100);
  });

  it('ignores an older profile version delivered late', async () => {
    await apply('Profile Updated', profile(2));
    await apply('Profile Updated', profile(1));
    await apply('Video Posted', posted('v1'));
    expect((await readLinks(links, 'tiktok', 'v1')).portfolio?.url).toBe('https://contra.com/maya/v2');
  });

  it('cuts links on disconnection and restores them with a later profile update', async () => {
    await apply('Profile Updated', profile(1));
    await apply('Video Posted', posted('v1'));
    await apply('Account Disconnected', { ...account, reason: '1', disconnectedAt: '2026-01-01T12:00:00Z' });
    expect((await readLinks(links, 'tiktok', 'v1')).portfolio).toBeNull();
    await drainFanouts();
    expect(changes().at(-1)).toMatchObject({ videoId: 'v1', state: 'inactive', profileId: 'maya' });

    await apply('Profile Updated', profile(2));
    expect((await readLinks(links, 'tiktok', 'v1')).portfolio?.url).toBe('https://contra.com/maya/v2');
  });

  it('makes a deleted profile final, whatever arrives after', async () => {
    await apply('Video Posted', posted('v1'));
    await apply('Profile Deleted', { profileId: 'maya', version: 1, deletedAt: '2026-01-05T00:00:00Z' });
    await apply('Profile Updated', profile(3));
    expect(await readLinks(links, 'tiktok', 'v1')).toEqual({ portfolio: null, apply: null });
  });

  it('gives a job video its apply link, and a closed job takes it away for good', async () => {
    await apply('Video Posted', posted('v1'));
    await apply('Job Published', job(1));
    expect((await readLinks(links, 'tiktok', 'v1')).apply).toEqual({
      jobId: 'job-1',
      url: `${BASE}/jobs/job-1/apply`,
    });
    await apply('Job Closed', { jobId: 'job-1', version: 2, closedAt: '2026-02-01T00:00:00Z' });
    await apply('Job Published', job(3));
    expect((await readLinks(links, 'tiktok', 'v1')).apply).toBeNull();
    expect(changes().map((change) => [change.kind, change.state, change.jobId])).toEqual([
      ['apply', 'active', 'job-1'],
      ['apply', 'inactive', 'job-1'],
    ]);
  });

  it('moves an apply link when a newer job version stops listing the video', async () => {
    await apply('Video Posted', posted('v1'));
    await apply('Video Posted', posted('v2'));
    await apply('Job Published', job(1, { videos: [{ platform: 'tiktok', videoId: 'v1' }] }));
    await apply('Job Published', job(2, { videos: [{ platform: 'tiktok', videoId: 'v2' }] }));
    expect((await readLinks(links, 'tiktok', 'v1')).apply).toBeNull();
    expect((await readLinks(links, 'tiktok', 'v2')).apply?.jobId).toBe('job-1');
  });

  it('stops a job at its closesAt and announces it on the next expiry run', async () => {
    await apply('Video Posted', posted('v1'));
    await apply('Job Published', job(1, { closesAt: '2026-06-01T00:00:30Z' }));
    expect((await readLinks(links, 'tiktok', 'v1')).apply?.jobId).toBe('job-1');
    expect(await announceExpiredJobs(links)).toBe(0);

    now = new Date('2026-06-01T00:00:30Z');
    expect((await readLinks(links, 'tiktok', 'v1')).apply).toBeNull();
    expect(await announceExpiredJobs(links)).toBe(1);
    expect(changes().at(-1)).toEqual({
      platform: 'tiktok',
      videoId: 'v1',
      kind: 'apply',
      state: 'inactive',
      jobId: 'job-1',
    });
    expect(await announceExpiredJobs(links)).toBe(0);
  });

  it('never announces a link it never opened: a job published after its closesAt', async () => {
    await apply('Video Posted', posted('v1'));
    await apply('Job Published', job(1, { closesAt: '2026-05-31T23:59:50Z' }));
    expect((await readLinks(links, 'tiktok', 'v1')).apply).toBeNull();
    expect(await announceExpiredJobs(links)).toBe(0);
    expect(changes()).toEqual([]);
  });

  it('closes at once, and once, an open link whose new version has a closesAt already past', async () => {
    await apply('Video Posted', posted('v1'));
    await apply('Job Published', job(1, { closesAt: '2026-06-01T00:00:30Z' }));
    await apply('Job Published', job(2, { closesAt: '2026-05-31T23:59:50Z' }));
    expect(changes().map((change) => [change.kind, change.state, change.jobId])).toEqual([
      ['apply', 'active', 'job-1'],
      ['apply', 'inactive', 'job-1'],
    ]);
    now = new Date('2026-06-01T00:00:30Z');
    expect(await announceExpiredJobs(links)).toBe(0);
    expect(changes()).toHaveLength(2);
  });

  it('tells the WebSub manager when a YouTube channel becomes linked or unlinked', async () => {
    const channel = { platform: 'youtube' as const, accountId: 'UC123' };
    await apply('Profile Updated', profile(1, { linkedAccounts: [channel] }));
    await apply('Profile Updated', profile(2, { linkedAccounts: [] }));
    expect(publisher.detailsOf('channelSubscriptionWanted')).toEqual([
      { channelId: 'UC123' },
      { channelId: 'UC123' },
    ]);
    expect(await links.accounts.isLinked('youtube', 'UC123')).toBe(false);
  });

  it('writes nothing for a detail that does not fit its schema, and names the field', async () => {
    await expect(apply('Video Posted', { ...posted('v1'), videoId: '' })).rejects.toThrow(EventSchemaError);
    await expect(apply('Profile Updated', { ...profile(1), version: 0 })).rejects.toThrow(/detail\.version/);
    const { Items } = await dynamo.documents.send(new ScanCommand({ TableName: tableName }));
    expect(Items).toEqual([]);
    expect(publisher.events).toEqual([]);
  });
});
