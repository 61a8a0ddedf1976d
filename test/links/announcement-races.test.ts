import { beforeEach, describe, expect, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { applyLinkEvent } from '#links/apply-event.ts';
import { dynamoLinkStores } from '#links/dynamo-link-stores.ts';
import { LinkContext } from '#links/link-context.ts';
import { readLinks } from '#links/read-links.ts';
import { localDocumentClient } from '../../local/testing/local-clients.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite } from '../support/shared-resource.ts';
import { drainFanouts as drainAllFanouts } from './drain-fanouts.ts';

/**
 * Link Changed when two writers race on one video: a Video Posted against a profile change of its account, and
 * against a job that lists it. Each race is made exact, not hoped for: an SDK middleware runs the other writer
 * at the moment the video's own write is about to be sent. Whatever the interleaving, someone must announce the
 * link the video ends up with. And a redelivery after a crash between the write and the announcement announces.
 */

const BASE = 'https://reelhire.example';
const account = { platform: 'tiktok' as const, accountId: 'acct-race' };
const posted = (videoId: string) => ({ ...account, videoId, postedAt: '2026-01-01T00:00:00Z' });
const profile = {
  profileId: 'prof-race',
  version: 1,
  handle: 'race',
  displayName: 'Race',
  portfolioUrl: 'https://contra.com/race',
  showPortfolioLink: true,
  linkedAccounts: [account],
  updatedAt: '2026-01-01T00:00:00Z',
};
const job = (videoId: string) => ({
  jobId: 'job-race',
  version: 1,
  employerId: 'northwind',
  title: 'Racer',
  notifyUrl: 'https://hooks.example/apply',
  videos: [{ platform: 'tiktok', videoId }],
  publishedAt: '2026-01-01T00:00:00Z',
});

const dynamo = useDynalite();
let tableName: string;
let bus: RecordingPublisher;
let links: LinkContext;
/** Runs once, just before the first UpdateItem whose key matches, and then never again. */
let before: { readonly sk: RegExp; run: () => Promise<void> } | undefined;

const apply = (detailType: string, detail: unknown, redelivered = false) =>
  applyLinkEvent(links, detailType, detail, undefined, { redelivered });

const drainFanouts = () => drainAllFanouts(links, bus);
const changesOf = (videoId: string) =>
  bus.detailsOf('linkChanged').filter((change) => change.videoId === videoId);

beforeEach(async () => {
  tableName = await dynamo.createTable('races');
  bus = new RecordingPublisher();
  before = undefined;
  // A client of its own, so that the middleware below sees only this test's writes.
  const documents = localDocumentClient(dynamo.endpoint);
  documents.middlewareStack.add(
    (next, context) => async (args) => {
      // The document client's commands reach this stack as the low-level ones, with marshalled keys.
      const input = args.input as { Key?: { sk?: string | { S?: string } } };
      const sk = input.Key?.sk;
      const sortKey = typeof sk === 'string' ? sk : (sk?.S ?? '');
      const hook = before;
      if (hook?.sk.test(sortKey) && /^Update(Item)?Command$/.test(context.commandName ?? '')) {
        before = undefined;
        await hook.run();
      }
      return next(args);
    },
    { step: 'initialize', name: 'runTheOtherWriter' },
  );
  links = new LinkContext({
    stores: dynamoLinkStores(documents, tableName),
    publisher: bus,
    publicBaseUrl: BASE,
    clock: () => new Date(),
  });
});

/** Who each kind of link points at once the race is over. */
const owners = { portfolio: { profileId: 'prof-race' }, apply: { jobId: 'job-race' } } as const;
type LinkKind = keyof typeof owners;
const activeLink = (kind: LinkKind) => expect.objectContaining({ kind, state: 'active', ...owners[kind] });

/** Runs `write` with `racer` slipped in just before the UpdateItem on `sk`, and checks that it did run. */
const race = async (sk: RegExp, racer: () => Promise<unknown>, write: () => Promise<unknown>) => {
  before = {
    sk,
    run: async () => {
      await racer();
    },
  };
  await write();
  expect(before).toBeUndefined();
};

/** The video ends up with the link, and someone announced it. */
const expectAnnounced = async (videoId: string, kind: LinkKind) => {
  expect((await readLinks(links, 'tiktok', videoId))[kind]).toMatchObject(owners[kind]);
  expect(changesOf(videoId)).toContainEqual(activeLink(kind));
};

/**
 * A delivery whose announcement the bus refuses announces nothing; a plain duplicate of it stays quiet; its
 * redelivery announces the link.
 */
const expectRedeliveryAnnounces = async (
  videoId: string,
  deliver: (redelivered?: boolean) => Promise<unknown>,
  kind: LinkKind,
) => {
  bus.refusals = 1;
  await expect(deliver()).rejects.toThrow(/refused/);
  expect(changesOf(videoId)).toEqual([]);

  await deliver();
  expect(changesOf(videoId)).toEqual([]);
  await deliver(true);
  expect(changesOf(videoId)).toEqual([activeLink(kind)]);
};

describe('Link Changed under racing writers', () => {
  it('a profile linking the account lands while the video is being posted: the portfolio link is announced', async () => {
    await race(
      /^VIDEO$/,
      async () => {
        await apply(EVENTS.profileUpdated.detailType, profile);
        await drainFanouts();
      },
      () => apply(EVENTS.videoPosted.detailType, posted('v-profile')),
    );
    await expectAnnounced('v-profile', 'portfolio');
  });

  const postVideo = (videoId: string) => () => apply(EVENTS.videoPosted.detailType, posted(videoId));
  const publishJob = (videoId: string) => () => apply(EVENTS.jobPublished.detailType, job(videoId));
  // The job's first UpdateItem on the video item (sk VIDEO) is its note, after its candidate entry (JOB#…).
  it.each([
    {
      race: 'the video is posted while a job listing it writes its candidate: the job’s read sees the post',
      sk: /^JOB#job-race$/,
      videoId: 'v-job',
      racer: postVideo,
      writer: publishJob,
    },
    {
      race: 'the video is posted between a job’s candidate and its note: the job’s read sees the post',
      sk: /^VIDEO$/,
      videoId: 'v-unnoted',
      racer: postVideo,
      writer: publishJob,
    },
    {
      race: 'a job listing the video lands while the video is being posted: the post sees its note',
      sk: /^VIDEO$/,
      videoId: 'v-noted',
      racer: publishJob,
      writer: postVideo,
    },
  ])('$race, and the apply link is announced', async ({ sk, videoId, racer, writer }) => {
    await race(sk, racer(videoId), writer(videoId));
    await expectAnnounced(videoId, 'apply');
  });

  it('a redelivery after a write that was not announced announces; a duplicate delivery stays quiet', async () => {
    await apply(EVENTS.profileUpdated.detailType, profile);
    await drainFanouts();
    await expectRedeliveryAnnounces(
      'v-retry',
      (redelivered) => apply(EVENTS.videoPosted.detailType, posted('v-retry'), redelivered),
      'portfolio',
    );
  });

  it('the same for a job candidate: its redelivery announces, its duplicate does not', async () => {
    await apply(EVENTS.videoPosted.detailType, posted('v-job-retry'));
    await expectRedeliveryAnnounces(
      'v-job-retry',
      (redelivered) => apply(EVENTS.jobPublished.detailType, job('v-job-retry'), redelivered),
      'apply',
    );
  });
});
