import type { Stage } from './config.ts';
import type { RouteThrottle } from './front-door.ts';
import type { FunctionName, FunctionSpec } from './functions.ts';
import { HTTP_ROUTES } from './routing.ts';

/**
 * The funnel log's plan at viral scale (docs/capacity.md "Sizing for one viral video"): one PutRecord
 * per tap, and one Firehose Direct PUT stream takes 2,000 requests a second by default (us-east-1), so the prod
 * log is several streams into one prefix, each record on the stream its id hashes to (#funnel/funnel-streams.ts).
 */

/** What one viral video can draw (CONTRACT §8), each tap one PutRecord request. */
export const VIRAL_TAPS_PER_SECOND = 100_000;

/**
 * Firehose's default Direct PUT quota per stream in us-east-1 (PutRecord and PutRecordBatch together;
 * docs.aws.amazon.com/firehose/latest/dev/limits.html). The three scale together when raised.
 */
export const FIREHOSE_STREAM_QUOTA = { requestsPerSecond: 2_000, mibPerSecond: 5, recordsPerSecond: 500_000 };

/** The share of a stream's quota the plan fills at the viral peak: a hash spreads evenly, not exactly. */
export const FIREHOSE_STREAM_PLANNED_SHARE = 0.8;

/**
 * Delivery streams per stage: dev one (its name as always); prod enough for the viral peak within the default
 * quota, so that no raise has to be granted before a video goes viral. Adding streams later keeps every record
 * counted (the queries read the prefix); removing one drops only what it still buffers, so only add.
 */
export const FUNNEL_STREAMS: Readonly<Record<Stage, number>> = { dev: 1, prod: 64 };

/** One DynamoDB partition answers at most 3,000 read units a second: 3,000 strongly consistent reads of ≤ 4 KB. */
export const DYNAMODB_PARTITION_READS_PER_SECOND = 3_000;

/**
 * A `/portfolio` tap reads two items, the video's partition and its account item. At the viral rate each must stay
 * under its partition's limit: 2 × 3,000 / 100,000 = 0.06 table reads per tap at most (#links/hot-reads.ts).
 */
export const HOT_VIDEO_READS_PER_TAP = (2 * DYNAMODB_PARTITION_READS_PER_SECOND) / VIRAL_TAPS_PER_SECOND;

/**
 * What a viral video's viewers call at its rate: its two counted redirects and its job's apply page (each view
 * follows a tap). With `viralTapsPerSecond` set (lib/config.ts) each gets that route throttle instead of the
 * `viewer` class's, and the functions serving them the concurrency it needs.
 */
export const VIRAL_ROUTES: readonly string[] = [
  'GET /links/{platform}/{videoId}/portfolio',
  'GET /links/{platform}/{videoId}/apply',
  'GET /jobs/{jobId}/apply',
];

/** The highest viral rate the setting takes: CloudFront's 250,000 requests/s per distribution, less the rest. */
export const MAX_VIRAL_TAPS_PER_SECOND = 200_000;

/**
 * How long a viral request holds an execution environment in the plan: a tap's PutRecord and its (mostly hot)
 * reads in the region, 10–30 ms (docs/capacity.md), with a margin.
 */
export const VIRAL_REQUEST_SECONDS = 0.04;

/** A viral route's throttle: the rate, with a burst of half a second of it. */
export const viralRouteThrottle = (tapsPerSecond: number): RouteThrottle => ({
  rateLimit: tapsPerSecond,
  burstLimit: Math.ceil(tapsPerSecond / 2),
});

/** The concurrency a function serving a viral route reserves at that rate (never less than its plan's). */
export const viralReservation = (tapsPerSecond: number, planned: number): number =>
  Math.max(planned, Math.ceil(tapsPerSecond * VIRAL_REQUEST_SECONDS));

/**
 * A function's spec as deployed: with `viralTapsPerSecond` set, a function serving a viral route reserves what that
 * rate needs, never less than its plan's.
 */
export const withViralReservation = (
  name: FunctionName,
  spec: FunctionSpec,
  viralTapsPerSecond: number | undefined,
): FunctionSpec => {
  const servesViralRoute = HTTP_ROUTES.some(
    (route) => route.function === name && VIRAL_ROUTES.includes(route.routeKey),
  );
  if (viralTapsPerSecond === undefined || !servesViralRoute) return spec;
  return { ...spec, reservedConcurrency: viralReservation(viralTapsPerSecond, spec.reservedConcurrency) };
};
