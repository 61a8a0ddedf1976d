import fc from 'fast-check';
import type { Platform } from '#events/fields.ts';
import type { HistoryEvent } from './links-from-history.ts';
import { namesOf } from './personal-values.ts';

/**
 * Random histories over a small world (few profiles, jobs, accounts and videos, so events collide on the same
 * entities), respecting what producers promise: one content per (profile, version) and (job, version), and a
 * video's account never changes. Timestamps mix offsets and fractions, so ties and instant comparison matter.
 */
export const NOW = new Date('2026-06-01T00:00:00Z');

const INSTANTS = [
  '2026-01-01T10:00:00Z',
  '2026-01-01T11:00:00+01:00', // the same instant as the line above
  '2026-01-01T10:00:00.000001Z',
  '2026-01-01T09:00:00-02:00',
  '2026-03-01T00:00:00Z',
  '2026-05-31T23:59:59.999Z',
];
const CLOSES = [
  '2026-05-31T23:59:59Z',
  '2026-06-01T00:00:00Z',
  '2026-06-01T00:00:00.001Z',
  '2027-01-01T00:00:00Z',
];

export interface World {
  readonly prefix: string;
  readonly accounts: { platform: Platform; accountId: string }[];
  readonly videos: { platform: Platform; videoId: string; accountId: string }[];
}

export const worldOf = (prefix: string): World => {
  const accounts = [
    { platform: 'tiktok' as const, accountId: `${prefix}-tt-1` },
    { platform: 'tiktok' as const, accountId: `${prefix}-tt-2` },
    { platform: 'youtube' as const, accountId: `${prefix}-yt-1` },
  ];
  const videos = [0, 1, 2, 3, 4].map((index) => {
    const account = accounts[index % accounts.length]!;
    return { platform: account.platform, videoId: `${prefix}-v${index}`, accountId: account.accountId };
  });
  return { prefix, accounts, videos };
};

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

const eventArbitrary = (world: World): fc.Arbitrary<HistoryEvent> => {
  const profileId = pick(['p1', 'p2', 'p3'].map((id) => `${world.prefix}-${id}`));
  const jobId = pick(['j1', 'j2', 'j3'].map((id) => `${world.prefix}-${id}`));
  const version = fc.integer({ min: 1, max: 4 });
  const instant = pick(INSTANTS);
  return fc.oneof(
    { weight: 5, arbitrary: videoPosted(world) },
    { weight: 1, arbitrary: videoRemoved(world) },
    { weight: 1, arbitrary: accountDisconnected(world, instant) },
    { weight: 5, arbitrary: profileUpdated(world, profileId, version, instant) },
    { weight: 1, arbitrary: profileDeleted(profileId, version) },
    { weight: 4, arbitrary: jobPublished(world, jobId, version, instant) },
    { weight: 1, arbitrary: jobClosed(jobId, version) },
  );
};

const videoPosted = (world: World) =>
  pick(world.videos).map(
    (video): HistoryEvent => ({
      detailType: 'Video Posted',
      detail: { ...video, postedAt: INSTANTS[0]!, url: `https://example.com/${video.videoId}` },
    }),
  );

const videoRemoved = (world: World) =>
  fc
    .record({
      video: pick(world.videos),
      reason: pick(['moderation', 'creator', 'unavailable', 'unknown'] as const),
    })
    .map(
      ({ video, reason }): HistoryEvent => ({
        detailType: 'Video Removed',
        detail: { platform: video.platform, videoId: video.videoId, reason, removedAt: INSTANTS[4]! },
      }),
    );

const accountDisconnected = (world: World, instant: fc.Arbitrary<string>) =>
  fc.record({ account: pick(world.accounts), at: instant }).map(
    ({ account, at }): HistoryEvent => ({
      detailType: 'Account Disconnected',
      detail: { ...account, reason: '1', disconnectedAt: at },
    }),
  );

const profileUpdated = (
  world: World,
  profileId: fc.Arbitrary<string>,
  version: fc.Arbitrary<number>,
  instant: fc.Arbitrary<string>,
) =>
  fc
    .record({
      profileId,
      version,
      linkedAccounts: fc.subarray(world.accounts),
      updatedAt: instant,
      showPortfolioLink: fc.integer({ min: 0, max: 3 }).map((roll) => roll > 0),
      site: pick(['a', 'b']),
    })
    .map(
      ({ site, ...profile }): HistoryEvent => ({
        detailType: 'Profile Updated',
        detail: {
          ...profile,
          ...namesOf(profile.profileId),
          portfolioUrl: `https://contra.com/${profile.profileId}/${site}`,
        },
      }),
    );

const profileDeleted = (profileId: fc.Arbitrary<string>, version: fc.Arbitrary<number>) =>
  fc.record({ profileId, version }).map(
    (deleted): HistoryEvent => ({
      detailType: 'Profile Deleted',
      detail: { ...deleted, deletedAt: INSTANTS[4]! },
    }),
  );

const jobPublished = (
  world: World,
  jobId: fc.Arbitrary<string>,
  version: fc.Arbitrary<number>,
  instant: fc.Arbitrary<string>,
) =>
  fc
    .record({
      jobId,
      version,
      videos: fc.subarray(world.videos.map(({ platform, videoId }) => ({ platform, videoId }))),
      publishedAt: instant,
      closesAt: fc.option(pick(CLOSES), { nil: undefined }),
    })
    .map(
      ({ closesAt, ...job }): HistoryEvent => ({
        detailType: 'Job Published',
        detail: {
          ...job,
          employerId: 'employer',
          title: job.jobId,
          notifyUrl: 'https://hooks.example/applications',
          ...(closesAt ? { closesAt } : {}),
        },
      }),
    );

const jobClosed = (jobId: fc.Arbitrary<string>, version: fc.Arbitrary<number>) =>
  fc
    .record({ jobId, version })
    .map(
      (closed): HistoryEvent => ({ detailType: 'Job Closed', detail: { ...closed, closedAt: INSTANTS[4]! } }),
    );

/** Keeps the first event per (entity, version) for versioned events: producers never send two contents. */
const oneContentPerVersion = (events: HistoryEvent[]): HistoryEvent[] => {
  const seen = new Set<string>();
  return events.filter((event) => {
    let key: string | undefined;
    if (event.detailType === 'Profile Updated' || event.detailType === 'Profile Deleted') {
      key = `profile:${event.detail.profileId}:${event.detail.version}`;
    } else if (event.detailType === 'Job Published' || event.detailType === 'Job Closed') {
      key = `job:${event.detail.jobId}:${event.detail.version}`;
    }
    if (key === undefined) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

export interface Delivery {
  readonly world: World;
  readonly history: HistoryEvent[];
  /** The history in delivery order, with duplicates, cut into batches processed concurrently. */
  readonly batches: HistoryEvent[][];
}

export const deliveryArbitrary = (world: World, maxEvents = 30): fc.Arbitrary<Delivery> =>
  fc
    .array(eventArbitrary(world), { minLength: 4, maxLength: maxEvents, size: 'max' })
    .map(oneContentPerVersion)
    .chain((history) =>
      fc
        .record({
          order: fc.array(
            fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 2 })),
            {
              minLength: history.length,
              maxLength: history.length,
            },
          ),
          batchSizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }),
        })
        .map(({ order, batchSizes }) => {
          const deliveries = history
            .flatMap((event, index) => {
              const [position, copies] = order[index]!;
              return Array.from({ length: copies }, (_, copy) => ({
                event,
                position: position + copy * 0.37,
              }));
            })
            .sort((a, b) => a.position - b.position)
            .map(({ event }) => event);
          const batches: HistoryEvent[][] = [];
          for (let start = 0, turn = 0; start < deliveries.length; turn++) {
            const size = batchSizes[turn % batchSizes.length]!;
            batches.push(deliveries.slice(start, start + size));
            start += size;
          }
          return { world, history, batches };
        }),
    );
