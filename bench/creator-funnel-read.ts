import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { AthenaFunnelReader } from '#funnel/athena-funnel-reader.ts';
import { DynamoFunnelRollups } from '#funnel/dynamo-funnel-rollups.ts';
import type { FunnelRecord } from '#funnel/funnel-record.ts';
import { finalTapDay } from '#funnel/funnel-rollup.ts';
import { startDynalite } from '../local/testing/dynalite.ts';
import { funnelLogFiles } from '../local/testing/funnel-log-files.ts';
import { median } from './median.ts';

/**
 * A creator's funnel read over a log of many days, before and after the creator's rollup
 * (functions/commons/funnel/funnel-rollup.ts): the first read of a profile counts every day of the log, a later one
 * only the days after its final day. The log is files laid out as Firehose delivers them, one object a day of
 * `tapsPerDay` taps on other creators' videos plus a few of each measured creator's, read by the local Athena
 * (DuckDB); the rollup items are in dynalite. Each of `creators` profiles is read once (timed: a first read) and
 * then `laterReads` times (timed: later reads); the figures are the medians, and the days each read's query names.
 */

const DAY_MS = 86_400_000;

export interface CreatorFunnelReadResult {
  readonly days: number;
  readonly tapsPerDay: number;
  readonly firstReadMs: number;
  readonly laterReadMs: number;
  /** laterReadMs ÷ firstReadMs. */
  readonly ratio: number;
  /** Arrival days a first read's query reads, and a later one's. */
  readonly daysRead: { readonly first: number; readonly later: number };
  /** Whether every read answered the creator's exact counts. */
  readonly exact: boolean;
}

export const benchCreatorFunnelRead = async ({
  days,
  tapsPerDay,
  creators = 3,
  laterReads = 3,
}: {
  readonly days: number;
  readonly tapsPerDay: number;
  readonly creators?: number;
  readonly laterReads?: number;
}): Promise<CreatorFunnelReadResult> => {
  const now = Date.now();
  const log = await funnelLogFiles();
  const dynamo = await startDynalite();
  try {
    const tableName = await dynamo.createTable('bench-rollups');
    const profiles = Array.from({ length: creators }, () => `prof_${randomUUID()}`);
    const dayOf = (back: number) => new Date(now - back * DAY_MS).toISOString().slice(0, 10);
    const tap = (profileId: string, videoId: string, at: string): FunnelRecord => ({
      kind: 'portfolioTap',
      id: `req_${randomUUID()}`,
      at,
      platform: 'tiktok',
      videoId,
      profileId,
    });
    for (let back = days - 1; back >= 0; back--) {
      const day = dayOf(back);
      const at = `${day}T12:00:00.000Z`;
      const others = Array.from({ length: tapsPerDay }, (_, index) =>
        tap(`prof_other_${index % 500}`, `v${index % 2_000}`, at),
      );
      // Each measured creator: one tap a day on its own video.
      await log.deliver(day, [
        ...others,
        ...profiles.map((profileId) => tap(profileId, `mine-${profileId}`, at)),
      ]);
    }
    const reader = new AthenaFunnelReader(
      log.query,
      log.table,
      new DynamoFunnelRollups(dynamo.documents, tableName),
      { now: () => now },
    );
    let exact = true;
    const timedRead = async (profileId: string): Promise<number> => {
      const started = performance.now();
      const counts = await reader.portfolioTaps(profileId);
      const ms = performance.now() - started;
      exact &&= counts.length === 1 && counts[0]?.count === days;
      return ms;
    };
    const first: number[] = [];
    const later: number[] = [];
    for (const profileId of profiles) {
      first.push(await timedRead(profileId));
      for (let read = 0; read < laterReads; read++) later.push(await timedRead(profileId));
    }
    const final = finalTapDay(now);
    const firstReadMs = median(first);
    const laterReadMs = median(later);
    return {
      days,
      tapsPerDay,
      firstReadMs,
      laterReadMs,
      ratio: laterReadMs / firstReadMs,
      daysRead: {
        first: days,
        later: Array.from({ length: days }, (_, back) => dayOf(back)).filter((day) => day > final).length,
      },
      exact,
    };
  } finally {
    await dynamo.close();
    await log.close();
  }
};

// `npx tsx bench/creator-funnel-read.ts [days] [tapsPerDay]` runs it alone and prints the result.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [days = '60', tapsPerDay = '20000'] = process.argv.slice(2);
  console.log(await benchCreatorFunnelRead({ days: Number(days), tapsPerDay: Number(tapsPerDay) }));
}
