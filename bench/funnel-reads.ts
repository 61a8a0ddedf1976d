import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { AthenaFunnelReader } from '#funnel/athena-funnel-reader.ts';
import { DynamoFunnelRollups } from '#funnel/dynamo-funnel-rollups.ts';
import type { FunnelRecord } from '#funnel/funnel-record.ts';
import { endOf, finalTapHour, hourOf } from '#funnel/funnel-rollup.ts';
import { startDynalite } from '../local/testing/dynalite.ts';
import { applyTapRecord, funnelLogFiles, portfolioTapRecord } from '../local/testing/funnel-log-files.ts';
import { median } from './median.ts';

/**
 * Funnel reads over a log of many days, before and after the key's rollup (functions/commons/funnel/funnel-rollup.ts):
 * a key's first read counts every day of the log (a job's since its publication), a later one only the hours after
 * its final hour. The log is files laid out as Firehose delivers them, one object a day of `tapsPerDay` taps on other
 * creators' videos plus a day of each measured creator (a tap) and job (a tap, a page view, an application and the
 * previous day's again), read by the local Athena (DuckDB); the rollup items are in dynalite. Each of `keys` creators
 * and jobs is read once (timed: a first read) and then `laterReads` times (timed: later reads); the figures are the
 * medians, and the objects each read's query opens.
 *
 * Then a viral creator: `tapsPerDay` taps an hour for the last 26 hours (the one under way included), one object an
 * hour, read later by the clock alone (its final hour 25 h back) and with Firehose's report of its delivery a minute
 * ago (delivery-watermark.ts).
 */

const DAY_MS = 86_400_000;

/** First and later reads of one kind of key (the medians), and their ratio. */
export interface ReadTimes {
  readonly firstReadMs: number;
  readonly laterReadMs: number;
  /** laterReadMs ÷ firstReadMs. */
  readonly ratio: number;
}

export interface FunnelReadResult {
  readonly days: number;
  readonly tapsPerDay: number;
  /** A creator's portfolio taps (counts). */
  readonly creator: ReadTimes;
  /** A job's funnel: taps and page views (counts), applications written again a day later (id sets). */
  readonly job: ReadTimes;
  /** Objects (a day each) a first read's query opens, and a later one's. */
  readonly daysRead: { readonly first: number; readonly later: number };
  /** A viral creator's later reads: by the clock alone, and with Firehose's delivery report. */
  readonly viral: ViralReads;
  /** Whether every read answered the key's exact counts. */
  readonly exact: boolean;
}

export interface ViralReads {
  readonly hours: number;
  readonly tapsPerHour: number;
  /** Later reads by the clock alone (medians). */
  readonly clockMs: number;
  /** Later reads with the delivery report (medians). */
  readonly deliveredMs: number;
  /** deliveredMs ÷ clockMs. */
  readonly ratio: number;
  /** Hourly objects each later read opens. */
  readonly hoursRead: { readonly clock: number; readonly delivered: number };
}

const HOUR_MS = 3_600_000;
const VIRAL_HOURS = 26;

export const benchFunnelReads = async ({
  days,
  tapsPerDay,
  keys = 3,
  laterReads = 3,
}: {
  readonly days: number;
  readonly tapsPerDay: number;
  readonly keys?: number;
  readonly laterReads?: number;
}): Promise<FunnelReadResult> => {
  const now = Date.now();
  const log = await funnelLogFiles();
  const dynamo = await startDynalite();
  try {
    const tableName = await dynamo.createTable('bench-rollups');
    const profiles = Array.from({ length: keys }, () => `prof_${randomUUID()}`);
    const jobs = Array.from({ length: keys }, () => `job_${randomUUID()}`);
    const dayOf = (back: number) => new Date(now - back * DAY_MS).toISOString().slice(0, 10);
    const video = { platform: 'tiktok', videoId: 'v-job' } as const;
    const tap = portfolioTapRecord;

    /** A day of a measured job: a tap, a page view, that day's application and the previous day's again. */
    const jobDay = (jobId: string, back: number, at: string): FunnelRecord[] => [
      applyTapRecord(jobId, video.videoId, at),
      { kind: 'applyPageView', id: `req_${randomUUID()}`, at, ...video, jobId },
      { kind: 'application', id: `app_${jobId}_${back}`, at, ...video, jobId },
      ...(back < days - 1
        ? [{ kind: 'application', id: `app_${jobId}_${back + 1}`, at, ...video, jobId } as const]
        : []),
    ];
    for (let back = days - 1; back >= 0; back--) {
      const day = dayOf(back);
      const at = `${day}T12:00:00.000Z`;
      const others = Array.from({ length: tapsPerDay }, (_, index) =>
        tap(`prof_other_${index % 500}`, `v${index % 2_000}`, at),
      );
      // Each measured creator: one tap a day on its own video; each measured job: its day.
      await log.deliver(day, [
        ...others,
        ...profiles.map((profileId) => tap(profileId, `mine-${profileId}`, at)),
        ...jobs.flatMap((jobId) => jobDay(jobId, back, at)),
      ]);
    }
    const reader = new AthenaFunnelReader(
      log.query,
      log.table,
      new DynamoFunnelRollups(dynamo.documents, tableName),
      { now: () => now },
    );
    let exact = true;
    const published = new Date(now - days * DAY_MS);
    const measure = async (
      ids: readonly string[],
      read: (id: string) => Promise<boolean>,
    ): Promise<ReadTimes> => {
      const timed = async (id: string): Promise<number> => {
        const started = performance.now();
        const right = await read(id);
        const ms = performance.now() - started;
        exact &&= right;
        return ms;
      };
      const first: number[] = [];
      const later: number[] = [];
      for (const id of ids) {
        first.push(await timed(id));
        for (let again = 0; again < laterReads; again++) later.push(await timed(id));
      }
      const firstReadMs = median(first);
      const laterReadMs = median(later);
      return { firstReadMs, laterReadMs, ratio: laterReadMs / firstReadMs };
    };
    const creator = await measure(profiles, async (profileId) => {
      const counts = await reader.portfolioTaps(profileId);
      return counts.length === 1 && counts[0]?.count === days;
    });
    const job = await measure(jobs, async (jobId) => {
      const { totals } = await reader.jobFunnel(jobId, published);
      return (
        totals.applyTaps === days &&
        totals.applyPageViews === days &&
        totals.applications === days &&
        totals.hired === 0
      );
    });
    // Each day's object arrives in its hour 23; a later read opens those from its final hour's end.
    const opened = (final: string, objects: readonly string[]) =>
      objects.filter((hour) => hour >= hourOf(endOf(final))).length;
    const dayObjects = Array.from({ length: days }, (_, back) => `${dayOf(back)}T23`);

    // The hour under way has its taps so far; each earlier hour, its whole hour's.
    const viralHours = Array.from({ length: VIRAL_HOURS }, (_, back) => hourOf(now - back * HOUR_MS));
    const viralTap = (profileId: string, hour: string) =>
      tap(
        profileId,
        'viral',
        hour === hourOf(now) ? new Date(now - 1_000).toISOString() : `${hour}:30:00.000Z`,
      );
    const [byClock, byDelivery] = [`prof_${randomUUID()}`, `prof_${randomUUID()}`];
    for (const hour of viralHours) {
      const taps = [byClock, byDelivery].flatMap((profileId) =>
        Array.from({ length: tapsPerDay }, () => viralTap(profileId, hour)),
      );
      await log.deliver(hour.slice(0, 10), taps, hour.slice(11, 13));
    }
    const delivered = now - 60_000;
    const withReport = new AthenaFunnelReader(
      log.query,
      log.table,
      new DynamoFunnelRollups(dynamo.documents, tableName),
      { now: () => now, deliveredThrough: async () => delivered },
    );
    const viralReads = async (read: AthenaFunnelReader, profileId: string): Promise<number> => {
      const times: number[] = [];
      for (let again = 0; again <= laterReads; again++) {
        const started = performance.now();
        const [counts] = await read.portfolioTaps(profileId);
        // The first read (all 26 hours) is not timed: it is the same for both.
        if (again > 0) times.push(performance.now() - started);
        exact &&= counts?.count === VIRAL_HOURS * tapsPerDay;
      }
      return median(times);
    };
    const clockMs = await viralReads(reader, byClock);
    const deliveredMs = await viralReads(withReport, byDelivery);
    return {
      days,
      tapsPerDay,
      creator,
      job,
      daysRead: { first: days, later: opened(finalTapHour(now), dayObjects) },
      viral: {
        hours: VIRAL_HOURS,
        tapsPerHour: tapsPerDay,
        clockMs,
        deliveredMs,
        ratio: deliveredMs / clockMs,
        hoursRead: {
          clock: opened(finalTapHour(now), viralHours),
          delivered: opened(finalTapHour(now, delivered), viralHours),
        },
      },
      exact,
    };
  } finally {
    await dynamo.close();
    await log.close();
  }
};

/** The figures `npm run bench` reports: each later read against the first, and the viral read's two finals. */
export const funnelReadFigures = (result: FunnelReadResult) => {
  const exactly = result.exact ? 'exact' : '**not exact**';
  const { viral } = result;
  return [
    ...(
      [
        ["a creator's", result.creator],
        ["a job's", result.job],
      ] as const
    ).map(([who, times]) => ({
      name: `funnel: ${who} later read ÷ first read (the rollup keeps the final hours; local Athena = DuckDB)`,
      value: times.ratio,
      unit: `${times.laterReadMs.toFixed(0)} vs ${times.firstReadMs.toFixed(0)} ms (medians); daily objects opened ${result.daysRead.later} vs ${result.daysRead.first}; counts ${exactly} on every read`,
      target: '≤ 0.25, exact',
      met: times.ratio <= 0.25 && result.exact,
    })),
    {
      name: `funnel: a viral creator's later read with Firehose's delivery report ÷ by the clock alone (${viral.hours} hours of ${viral.tapsPerHour} taps)`,
      value: viral.ratio,
      unit: `${viral.deliveredMs.toFixed(0)} vs ${viral.clockMs.toFixed(0)} ms (medians); hourly objects opened ${viral.hoursRead.delivered} vs ${viral.hoursRead.clock}; counts ${exactly}`,
      target: '≤ 0.25, exact',
      met: viral.ratio <= 0.25 && result.exact,
    },
  ];
};

// `npx tsx bench/funnel-reads.ts [days] [tapsPerDay]` runs it alone and prints the result.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [days = '60', tapsPerDay = '20000'] = process.argv.slice(2);
  console.log(await benchFunnelReads({ days: Number(days), tapsPerDay: Number(tapsPerDay) }));
}
