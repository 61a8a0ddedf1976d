import fc from 'fast-check';
import type { VideoRef } from '#events/fields.ts';
import { deliveryArbitrary, worldOf } from './history-arbitrary.ts';
import type { HistoryEvent } from './links-from-history.ts';
import { seededRandom, shuffle } from './seeded-random.ts';

/**
 * A history at scale: many small worlds from the property test's generator (a few profiles, jobs, accounts and
 * videos each, so events collide on the same entities, with versions, deletions, closings, closesAt,
 * removals and disconnections, and the producers' promises kept), their deliveries (with duplicates) shuffled
 * together into one random order. Some deliveries are poison: a copy of a real event with one field broken.
 */

/** An event that does not fit its schema, and which field was broken. */
export interface PoisonEvent {
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
  readonly fault: string;
}

export type Delivery =
  | { readonly kind: 'event'; readonly event: HistoryEvent }
  | { readonly kind: 'poison'; readonly poison: PoisonEvent };

export interface ScaledHistory {
  /** Every distinct event delivered: what the rule is computed from. */
  readonly history: readonly HistoryEvent[];
  /** In delivery order, with duplicates and poison. */
  readonly deliveries: readonly Delivery[];
  /** Every video of every world, posted or not. */
  readonly videos: readonly VideoRef[];
}

export interface ScaledHistoryOptions {
  /** Deliveries in all, poison included. */
  readonly events: number;
  readonly seed: number;
  /** Makes ids unique to this run. */
  readonly runId: string;
  /** Share of deliveries that are poison. @default 0.01 */
  readonly poisonRate?: number;
}

/** Ways to break each kind of event so that its schema refuses it (CONTRACT §2 field rules). */
const BREAKAGES: Readonly<Record<string, readonly [string, (detail: Record<string, unknown>) => void][]>> = {
  'Video Posted': [
    ['platform is not a platform', (detail) => Object.assign(detail, { platform: 'vimeo' })],
    ['postedAt is not RFC 3339', (detail) => Object.assign(detail, { postedAt: 'yesterday' })],
    ['url is not https', (detail) => Object.assign(detail, { url: 'http://example.com/v' })],
  ],
  'Video Removed': [
    ['reason is not a known reason', (detail) => Object.assign(detail, { reason: 'boredom' })],
  ],
  'Account Disconnected': [['accountId is empty', (detail) => Object.assign(detail, { accountId: '' })]],
  'Profile Updated': [
    ['version is 0', (detail) => Object.assign(detail, { version: 0 })],
    ['portfolioUrl is not https', (detail) => Object.assign(detail, { portfolioUrl: 'http://contra.com/x' })],
    ['showPortfolioLink is not a boolean', (detail) => Object.assign(detail, { showPortfolioLink: 'yes' })],
  ],
  'Profile Deleted': [['version is not an integer', (detail) => Object.assign(detail, { version: 1.5 })]],
  'Job Published': [
    ['videos is not an array', (detail) => Object.assign(detail, { videos: 'all' })],
    ['notifyUrl is not a URL', (detail) => Object.assign(detail, { notifyUrl: 'not a url' })],
    ['closesAt is not RFC 3339', (detail) => Object.assign(detail, { closesAt: '2026-13-01' })],
  ],
  'Job Closed': [['closedAt is missing', (detail) => Reflect.deleteProperty(detail, 'closedAt')]],
};

export const poisonOf = (event: HistoryEvent, random: () => number): PoisonEvent => {
  const breakages = BREAKAGES[event.detailType]!;
  const [fault, breakIt] = breakages[Math.floor(random() * breakages.length)]!;
  const detail: Record<string, unknown> = structuredClone({ ...event.detail });
  breakIt(detail);
  return { detailType: event.detailType, detail, fault };
};

export const scaledHistory = ({
  events,
  seed,
  runId,
  poisonRate = 0.01,
}: ScaledHistoryOptions): ScaledHistory => {
  const random = seededRandom(seed);
  const poisonCount = Math.round(events * poisonRate);
  const wanted = events - poisonCount;
  const valid: HistoryEvent[] = [];
  const videos: VideoRef[] = [];
  for (let index = 0; valid.length < wanted; index++) {
    const world = worldOf(`${runId}-w${index}`);
    const [delivery] = fc.sample(deliveryArbitrary(world), { seed: seed + index, numRuns: 1 });
    valid.push(...delivery!.batches.flat());
    videos.push(...world.videos.map(({ platform, videoId }) => ({ platform, videoId })));
  }
  valid.length = wanted;
  const poison = Array.from({ length: poisonCount }, () =>
    poisonOf(valid[Math.floor(random() * valid.length)]!, random),
  );
  const deliveries = shuffle<Delivery>(
    [
      ...valid.map((event) => ({ kind: 'event' as const, event })),
      ...poison.map((broken) => ({ kind: 'poison' as const, poison: broken })),
    ],
    random,
  );
  // The generator reuses one object per event for its duplicates: distinct objects are distinct events.
  return { history: [...new Set(valid)], deliveries, videos };
};
