import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { funnelLine } from '#funnel/funnel-record.ts';
import { FUNNEL_BUFFER_MB, FUNNEL_BUFFER_SECONDS } from '../lib/constructs/funnel-log.ts';
import { PROJECT_ROOT } from '../lib/constructs/reelhire-function.ts';
import { FUNCTIONS } from '../lib/functions.ts';
import { FUNNEL_STREAMS, VIRAL_TAPS_PER_SECOND } from '../lib/funnel-capacity.ts';
import { bundleEntry, writeBundle } from '../local/dev/function-bundler.ts';
import { startBenchStack } from './bench-stack.ts';
import { seedLinkedVideos } from './cdn-cache.ts';
import { median } from './median.ts';
import { PRICES } from './prices.ts';

/**
 * Taps on one viral video through the local stack (IAM enforced, the front door, the links function's own
 * environments): `GET /links/tiktok/{v}/portfolio` answered 302 and recorded in the funnel log, against the same
 * requests on the links function as it was before the funnel (bench/links-api-untapped.ts: the table read on every
 * request, the same 302, nothing recorded), swapped into the same running function; and, for context, against
 * today's function with nothing recorded (bench/links-api-unrecorded.ts: the hot reads, no record), which prices the
 * PutRecord alone. The runs alternate in ROUNDS short rounds (tapped, plain, unrecorded, then the other way round,
 * …) so that a busy moment of the machine falls on all, and each ratio is the median of the rounds'. Each run also
 * reports the process's CPU time per tap (the bench's client, the stack and the functions' threads), the cost the
 * ratio stands for. DynamoDB writes are counted by a proxy between the functions and the store: a tap must write no
 * shared item. The front door's clock moves one simulated second per request, so its throttle and WAF see a calm
 * caller and the machine sets the rate.
 */

export interface TapRun {
  readonly taps: number;
  readonly seconds: number;
  readonly tapsPerSecond: number;
  readonly meanMs: number;
  readonly not302: number;
  /** CPU time of this process (the bench's client, the stack, the functions' threads) per tap. */
  readonly cpuMsPerTap: number;
}

export interface FunnelTapsResult {
  readonly concurrency: number;
  readonly tapped: TapRun;
  readonly plain: TapRun;
  /** Today's redirect, its hot reads included, with nothing recorded (context: the PutRecord's own price). */
  readonly unrecorded: TapRun;
  /** Each round's runs, in the order the rounds ran. */
  readonly rounds: {
    readonly tapped: readonly TapRun[];
    readonly plain: readonly TapRun[];
    readonly unrecorded: readonly TapRun[];
  };
  /** Each round's tapped taps/s ÷ its plain redirects/s. */
  readonly roundRatios: readonly number[];
  /** The median of the rounds' tapped taps/s ÷ unrecorded redirects/s. */
  readonly recordingRatio: number;
  /** The same, one tap at a time (the latency a Lambda invocation is billed for). */
  readonly alone: { readonly tapped: TapRun; readonly plain: TapRun; readonly unrecorded: TapRun };
  /** The median of the rounds' ratios (tapped taps/s ÷ plain redirects/s). */
  readonly ratio: number;
  /** All tapped taps ÷ their seconds against all plain redirects ÷ theirs. */
  readonly totalRatio: number;
  /** DynamoDB write calls during the tapped runs, per tap. */
  readonly writesPerTap: number;
  /**
   * DynamoDB read calls during the tapped runs, per tap: the video's partition and its account item, each read by
   * an environment about once a second once the video is hot there (#links/hot-link-reads.ts); 2 without.
   */
  readonly readsPerTap: number;
  /** The links function's execution environments at the end of the tapped runs (each reads a hot item itself). */
  readonly environments: number;
  readonly cost: TapCost;
}

export interface TapCost {
  readonly recordBytes: number;
  readonly lines: readonly { readonly item: string; readonly usd: number; readonly why: string }[];
  /** The funnel log per million taps. */
  readonly funnelLogUsd: number;
  /** One DynamoDB write per tap instead (on-demand, 1 WRU for an item under 1 KB). */
  readonly writePerTapUsd: number;
}

/** Firehose bills each record rounded up to 5 KB. */
const FIREHOSE_RECORD_BILLING_BYTES = 5 * 1024;
/** Firehose writes a buffer under 60 s as a multipart upload: create, one part, complete (docs/capacity.md). */
const S3_REQUESTS_PER_OBJECT = 3;

/** The modelled cost per million taps: the funnel log's lines beside one DynamoDB write per tap. */
export const tapCost = (extraLambdaMsPerTap: number): TapCost => {
  const recordBytes = Buffer.byteLength(
    funnelLine({
      kind: 'portfolioTap',
      id: 'dGVzdC1yZXF1ZXN0LWlkMQ=',
      at: '2026-12-04T01:00:00.000Z',
      platform: 'tiktok',
      videoId: '7399990000000000001',
      profileId: `prof_${randomUUID()}`,
    }),
  );
  const billedRecords = Math.ceil(recordBytes / FIREHOSE_RECORD_BILLING_BYTES);
  const ingestionGb = (1e6 * billedRecords * FIREHOSE_RECORD_BILLING_BYTES) / 1024 ** 3;
  // An object per stream per buffer: whichever fills first, the interval or the size (before compression), at the
  // viral rate spread over prod's streams.
  const streams = FUNNEL_STREAMS.prod;
  const recordsPerObject = Math.min(
    (VIRAL_TAPS_PER_SECOND / streams) * FUNNEL_BUFFER_SECONDS,
    (FUNNEL_BUFFER_MB * 1024 ** 2) / recordBytes,
  );
  const objects = 1e6 / recordsPerObject;
  const lambdaGbSeconds =
    (1e6 * Math.max(0, extraLambdaMsPerTap) * FUNCTIONS.linksApi.memoryMb) / 1024 / 1000;
  const lines = [
    {
      item: 'Firehose ingestion',
      usd: ingestionGb * PRICES.firehosePerGbIngested,
      why: `${recordBytes} B a record, billed as ${billedRecords * 5} KB: ${ingestionGb.toFixed(2)} GB`,
    },
    {
      item: 'S3 PUTs',
      usd: ((objects * S3_REQUESTS_PER_OBJECT) / 1000) * PRICES.s3PerThousandPuts,
      why: `one object (${S3_REQUESTS_PER_OBJECT} requests) per ${Math.round(recordsPerObject).toLocaleString('en')} taps at ${VIRAL_TAPS_PER_SECOND.toLocaleString('en')}/s over ${streams} streams (${FUNNEL_BUFFER_SECONDS} s or ${FUNNEL_BUFFER_MB} MB)`,
    },
    {
      item: 'links Lambda, the PutRecord’s extra time',
      usd: lambdaGbSeconds * PRICES.lambdaArm64PerGbSecond,
      why: `measured: ${extraLambdaMsPerTap.toFixed(2)} ms more a tap (mean latency one at a time, tapped − unrecorded, on this machine) × ${FUNCTIONS.linksApi.memoryMb} MB`,
    },
  ];
  return {
    recordBytes,
    lines,
    funnelLogUsd: lines.reduce((sum, line) => sum + line.usd, 0),
    writePerTapUsd: PRICES.dynamoDbPerMillionWriteUnits,
  };
};

/**
 * Rounds of one tapped and one plain run, side by side. The machine is shared (2 cores, other work coming and
 * going for seconds at a time): two long runs let one busy stretch land on one side and move the ratio by
 * ±0.3, so the runs are short, many, paired, and the figure is the median of the pairs' ratios.
 */
const ROUNDS = 6;

/**
 * Taps before each measured run, on the environments the code swap has just started. A viral video's environments
 * each serve thousands of taps with V8 done compiling their hot path (the SDK's middleware included); the bench's
 * are new every run. After 200 taps (~50 an environment) they still ran unoptimized code, V8's optimizing compiler
 * took 13 % of the process's CPU on background threads, and a recorded tap cost 2.7–3.2 ms more CPU than a plain
 * one; after 1,000, 1.1–1.4 ms (docs/capacity.md "Redirect latency"). Both sides get the same warm-up.
 */
const WARM_TAPS = 1_000;

const inParallel = async (count: number, concurrency: number, task: () => Promise<void>) => {
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started++ < count) await task();
    }),
  );
};

export const benchFunnelTaps = async (options: {
  readonly taps: number;
  readonly concurrency?: number;
}): Promise<FunnelTapsResult> => {
  const concurrency = options.concurrency ?? 8;
  let now = Date.UTC(2026, 0, 1);
  const bench = await startBenchStack(() => now);
  const { stack, proxy, bus } = bench;
  const bundleDir = await mkdtemp(path.join(tmpdir(), 'reelhire-untapped-'));
  try {
    const links = [...stack.functions.values()].find((fn) => fn.name.includes('LinksApiFunction'));
    if (!links) throw new Error('the stack has no links function');
    const tappedCode = { handlerUrl: links.definition.handlerUrl, sourceMaps: links.definition.sourceMaps };
    const benchCode = async (entry: string) => ({
      handlerUrl: pathToFileURL(
        await writeBundle(
          await bundleEntry(PROJECT_ROOT, entry),
          await mkdtemp(path.join(bundleDir, 'entry-')),
        ),
      ).href,
      sourceMaps: links.definition.sourceMaps,
    });
    const plainCode = await benchCode('bench/links-api-untapped.ts');
    const unrecordedCode = await benchCode('bench/links-api-unrecorded.ts');

    const videoId = `viral-${randomUUID()}`;
    await seedLinkedVideos(bus, stack.busNames, `bench-${randomUUID()}`, [videoId]);
    const url = `${stack.url}/links/tiktok/${videoId}/portfolio`;
    const tap = async (): Promise<number> => {
      now += 1000;
      const response = await fetch(url, { redirect: 'manual' });
      await response.arrayBuffer();
      return response.status;
    };
    const deadline = Date.now() + 120_000;
    while ((await tap()) !== 302) {
      if (Date.now() > deadline) throw new Error('the viral video never got its portfolio link');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const run = async (taps: number, atOnce = concurrency): Promise<TapRun> => {
      let not302 = 0;
      let totalMs = 0;
      const cpu = process.cpuUsage();
      const started = performance.now();
      await inParallel(taps, atOnce, async () => {
        const sent = performance.now();
        if ((await tap()) !== 302) not302++;
        totalMs += performance.now() - sent;
      });
      const seconds = (performance.now() - started) / 1000;
      const { user, system } = process.cpuUsage(cpu);
      const cpuMsPerTap = (user + system) / 1000 / taps;
      return {
        taps,
        seconds,
        tapsPerSecond: taps / seconds,
        meanMs: totalMs / taps,
        not302,
        cpuMsPerTap,
      };
    };
    const code = { tapped: tappedCode, plain: plainCode, unrecorded: unrecordedCode };
    const runs = { tapped: [] as TapRun[], plain: [] as TapRun[], unrecorded: [] as TapRun[] };
    // One tap at a time, as a Lambda environment serves them: what the PutRecord adds to a billed invocation.
    const alone = { tapped: [] as TapRun[], plain: [] as TapRun[], unrecorded: [] as TapRun[] };
    let tappedWrites = 0;
    let tappedReads = 0;
    let environments = 0;
    const perRun = Math.ceil(options.taps / 2 / ROUNDS);
    const aloneTaps = Math.ceil(Math.min(200, options.taps / 2) / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      // Who goes first alternates too, so that neither side always follows the other's swap.
      const order =
        round % 2 === 0
          ? (['tapped', 'plain', 'unrecorded'] as const)
          : (['unrecorded', 'plain', 'tapped'] as const);
      for (const side of order) {
        await links.replaceCode(code[side]);
        await run(Math.min(WARM_TAPS, Math.ceil(options.taps / 2))); // warm: environments compiled, connections open
        const before = proxy.stats();
        runs[side].push(await run(perRun));
        if (side === 'tapped') {
          const during = proxy.since(before);
          tappedWrites += during.writes;
          tappedReads += during.requests - during.writes;
          environments = Math.max(environments, links.environments);
        }
        alone[side].push(await run(aloneTaps, 1));
      }
    }
    await links.replaceCode(tappedCode);
    const total = (list: readonly TapRun[]): TapRun => {
      const taps = list.reduce((sum, item) => sum + item.taps, 0);
      const seconds = list.reduce((sum, item) => sum + item.seconds, 0);
      return {
        taps,
        seconds,
        tapsPerSecond: taps / seconds,
        meanMs: list.reduce((sum, item) => sum + item.meanMs * item.taps, 0) / taps,
        cpuMsPerTap: list.reduce((sum, item) => sum + item.cpuMsPerTap * item.taps, 0) / taps,
        not302: list.reduce((sum, item) => sum + item.not302, 0),
      };
    };
    const tapped = total(runs.tapped);
    const plain = total(runs.plain);
    const ratiosTo = (others: readonly TapRun[]) =>
      runs.tapped.map((run, round) => run.tapsPerSecond / (others[round]?.tapsPerSecond ?? Number.NaN));
    const roundRatios = ratiosTo(runs.plain);
    return {
      concurrency,
      tapped,
      plain,
      unrecorded: total(runs.unrecorded),
      rounds: runs,
      roundRatios,
      recordingRatio: median(ratiosTo(runs.unrecorded)),
      ratio: median(roundRatios),
      totalRatio: tapped.tapsPerSecond / plain.tapsPerSecond,
      writesPerTap: tappedWrites / tapped.taps,
      readsPerTap: tappedReads / tapped.taps,
      environments,
      alone: {
        tapped: total(alone.tapped),
        plain: total(alone.plain),
        unrecorded: total(alone.unrecorded),
      },
      cost: tapCost(total(alone.tapped).meanMs - total(alone.unrecorded).meanMs),
    };
  } finally {
    await bench.stop();
    await rm(bundleDir, { recursive: true, force: true });
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchFunnelTaps({ taps: Number(process.argv[2] ?? 2000) }), null, 2));
}
