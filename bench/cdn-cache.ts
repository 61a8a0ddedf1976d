import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENTS } from '#events/catalog.ts';
import { PUBLIC_READ_MAX_AGE_SECONDS } from '#shared/http.ts';
import { seededRandom } from '../reliability/seeded-random.ts';
import { startBenchStack } from './bench-stack.ts';

/**
 * Table reads of a Zipf-skewed `GET /links/{platform}/{videoId}` load through the local stack, whose API port is
 * the template's CloudFront distribution: the same request sequence with the cache and without it (every
 * request a miss), counting the DynamoDB calls the links function makes (a proxy in front of the embedded
 * DynamoDB; the load is read-only and nothing else runs). Time is the front door's own clock, moved on by
 * 1/rate per request, so the cache sees the planned request rate whatever this machine's speed: the share it
 * absorbs depends on requests per key per TTL, which the rate sets. A TTL-cache model gives the share to expect.
 */

export interface CdnCacheRun {
  /** Requests a second the cache sees (simulated): undefined for the run without a cache. */
  readonly ratePerSecond: number | undefined;
  readonly requests: number;
  readonly tableReads: number;
  readonly readsPer1000: number;
  readonly hits: number;
  /** Answers that were not 200 (429s from the API's throttle, if any). */
  readonly not200: number;
  /** The miss share a TTL cache would have under Poisson arrivals (context). */
  readonly modelMissShare: number | undefined;
}

export interface CdnCacheResult {
  readonly videos: number;
  readonly exponent: number;
  readonly ttlSeconds: number;
  readonly withoutCache: CdnCacheRun;
  readonly withCache: readonly CdnCacheRun[];
}

export interface CdnCacheOptions {
  readonly videos: number;
  readonly requests: number;
  /**
   * How many of the requests (from the start of the same sequence) the run without a cache makes: each is a
   * function invocation, and each reads the same two items, so a prefix measures it. @default requests
   */
  readonly uncachedRequests?: number;
  /** Simulated request rates to run with the cache. */
  readonly ratesPerSecond: readonly number[];
  /** @default 1.1 */
  readonly exponent?: number;
  /** @default 8 */
  readonly concurrency?: number;
}

/** Zipf weights of ranks 1..n, normalised. */
const zipfShares = (keys: number, exponent: number): number[] => {
  const weights = Array.from({ length: keys }, (_, index) => (index + 1) ** -exponent);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
};

/** A sampler of ranks (0-based) by inverse CDF, from a seeded source. */
const zipfSampler = (shares: readonly number[], random: () => number): (() => number) => {
  const cumulative: number[] = [];
  let sum = 0;
  for (const share of shares) {
    sum += share;
    cumulative.push(sum);
  }
  return () => {
    const target = random() * sum;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
};

/**
 * The share of requests a TTL cache misses: a key requested λ times a second is fetched once per TTL window
 * and served λ·T times from it, so it misses λ/(1 + λ·T) of λ (Poisson arrivals).
 */
export const ttlCacheMissShare = (
  shares: readonly number[],
  ratePerSecond: number,
  ttlSeconds: number,
): number => shares.reduce((sum, share) => sum + share / (1 + ratePerSecond * share * ttlSeconds), 0);

/**
 * The same model over a Zipf universe too large to list (10⁹ videos): ranks summed exactly up to two million,
 * the tail (each key then asked far less than once per TTL) counted as misses.
 */
export const zipfTtlCacheMissShare = (
  keys: number,
  exponent: number,
  ratePerSecond: number,
  ttlSeconds: number,
): number => {
  const exact = Math.min(keys, 2_000_000);
  let harmonic = 0;
  for (let rank = 1; rank <= exact; rank++) harmonic += rank ** -exponent;
  const tail = keys > exact ? (exact ** (1 - exponent) - keys ** (1 - exponent)) / (exponent - 1) : 0;
  harmonic += tail;
  let misses = tail / harmonic;
  for (let rank = 1; rank <= exact; rank++) {
    const share = rank ** -exponent / harmonic;
    misses += share / (1 + ratePerSecond * share * ttlSeconds);
  }
  return misses;
};

const inParallel = async (count: number, concurrency: number, task: (index: number) => Promise<void>) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
};

export const benchCdnCache = async (options: CdnCacheOptions): Promise<CdnCacheResult> => {
  const exponent = options.exponent ?? 1.1;
  const concurrency = options.concurrency ?? 8;
  let now = Date.UTC(2026, 0, 1);
  const bench = await startBenchStack(() => now);
  const { stack, proxy, bus } = bench;
  try {
    const account = `bench-${randomUUID()}`;
    const videoIds = Array.from({ length: options.videos }, (_, index) => `bench-${index}-${randomUUID()}`);
    await seedLinkedVideos(bus, stack.busNames, account, videoIds);
    const linked = async (videoId: string) => {
      // A second between polls keeps them under the route's throttle.
      now += 1000;
      return (await fetch(`${stack.url}/links/tiktok/${videoId}`)).status === 200;
    };
    const deadline = Date.now() + 120_000;
    // Every video answered 200 once (a 404 is never cached, so polling is fair); then the cache is emptied.
    for (let index = 0; index < videoIds.length; index++) {
      while (!(await linked(videoIds[index]!))) {
        if (Date.now() > deadline) throw new Error('the bench videos never got their links');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }

    const shares = zipfShares(options.videos, exponent);
    const sequence = (() => {
      const draw = zipfSampler(shares, seededRandom(1_100));
      return Array.from({ length: options.requests }, () => videoIds[draw()]!);
    })();
    const run = async (
      stepMs: number,
      ratePerSecond: number | undefined,
      requests = sequence.length,
    ): Promise<CdnCacheRun> => {
      now += 3_600_000;
      const before = proxy.stats().requests;
      let hits = 0;
      let not200 = 0;
      await inParallel(requests, concurrency, async (index) => {
        now += stepMs;
        const response = await fetch(`${stack.url}/links/tiktok/${sequence[index]}`);
        await response.arrayBuffer();
        if (response.headers.get('x-cache') === 'Hit from cloudfront') hits++;
        if (response.status !== 200) not200++;
      });
      const tableReads = proxy.stats().requests - before;
      return {
        ratePerSecond,
        requests,
        tableReads,
        readsPer1000: (tableReads / requests) * 1000,
        hits,
        not200,
        modelMissShare:
          ratePerSecond === undefined
            ? undefined
            : ttlCacheMissShare(shares, ratePerSecond, PUBLIC_READ_MAX_AGE_SECONDS),
      };
    };
    // Without a cache: each request comes after the TTL of the one before, so every one misses.
    const withoutCache = await run(
      (PUBLIC_READ_MAX_AGE_SECONDS + 1) * 1000,
      undefined,
      Math.min(options.uncachedRequests ?? sequence.length, sequence.length),
    );
    const withCache: CdnCacheRun[] = [];
    for (const rate of options.ratesPerSecond) withCache.push(await run(1000 / rate, rate));
    return {
      videos: options.videos,
      exponent,
      ttlSeconds: PUBLIC_READ_MAX_AGE_SECONDS,
      withoutCache,
      withCache,
    };
  } finally {
    await bench.stop();
  }
};

/** One creator's linked TikTok account and its videos, through the bus as the platforms' events would come. */
export const seedLinkedVideos = async (
  bus: EventBridgeClient,
  busNames: readonly string[],
  accountId: string,
  videoIds: readonly string[],
): Promise<void> => {
  const eventBusName = busNames.find((name) => name.startsWith('reelhire-')) ?? busNames[0];
  const now = new Date().toISOString();
  const entry = (detailType: string, source: string, detail: unknown) => ({
    EventBusName: eventBusName,
    Source: source,
    DetailType: detailType,
    Detail: JSON.stringify(detail),
  });
  await bus.send(
    new PutEventsCommand({
      Entries: [
        entry(EVENTS.profileUpdated.detailType, 'reelhire.contra', {
          profileId: `bench-profile-${accountId}`,
          version: 1,
          handle: 'bench',
          displayName: 'Bench',
          portfolioUrl: 'https://contra.com/bench',
          showPortfolioLink: true,
          linkedAccounts: [{ platform: 'tiktok', accountId }],
          updatedAt: now,
        }),
      ],
    }),
  );
  for (let start = 0; start < videoIds.length; start += 10) {
    await bus.send(
      new PutEventsCommand({
        Entries: videoIds.slice(start, start + 10).map((videoId) =>
          entry(EVENTS.videoPosted.detailType, 'reelhire.tiktok', {
            platform: 'tiktok',
            videoId,
            accountId,
            postedAt: now,
          }),
        ),
      }),
    );
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [keys = 1e9, exponent = 1.1, rate = 100_000, ttl = PUBLIC_READ_MAX_AGE_SECONDS] = process.argv
    .slice(2)
    .map(Number);
  const misses = zipfTtlCacheMissShare(keys, exponent, rate, ttl);
  console.log(
    `Zipf s=${exponent} over ${keys.toExponential(2)} keys at ${rate.toLocaleString('en')} requests/s, TTL ${ttl} s: ` +
      `${(misses * 100).toFixed(1)} % misses (${(misses * rate).toFixed(0)} origin requests/s), ` +
      `${((1 - misses) * 100).toFixed(1)} % served by the cache`,
  );
}
