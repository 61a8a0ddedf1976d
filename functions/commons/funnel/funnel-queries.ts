import { PLATFORMS, type Platform, type VideoRef } from '#events/fields.ts';
import { isJobFunnelKind, JOB_FUNNEL_KINDS, type JobFunnelKind } from './funnel-record.ts';
import type { ReadBounds, Tally } from './funnel-rollup.ts';

/**
 * The funnel's queries, in the SQL that Athena (Presto/Trino) and DuckDB both run over the funnel log's table
 * (columns kind, id, at, platform, videoid, profileid, jobid; partitions dt and hour, the arrival's). Values are
 * bound as positional parameters (`?`), never spliced into the text.
 */

export interface FunnelQuery {
  readonly sql: string;
  readonly parameters: readonly string[];
}

/** Which side of a rollup's boundary a row counts (funnel-rollup.ts). */
const SETTLED = 'settled';
const RECENT = 'recent';

/**
 * The bounds of a read since a rollup, as SQL conditions and their parameters (after the key's own): the arrival
 * partitions from `fromArrival` on (Athena opens no object before it), the records from `fromAt` on.
 */
const boundsOf = ({ fromAt, fromArrival }: ReadBounds): { sql: string; parameters: string[] } => ({
  sql: `${fromAt === undefined ? '' : ' AND "at" >= ?'}${fromArrival === undefined ? '' : ' AND (dt > ? OR (dt = ? AND hour >= ?))'}`,
  parameters: [
    ...(fromAt === undefined ? [] : [fromAt]),
    ...(fromArrival === undefined ? [] : [fromArrival.dt, fromArrival.dt, fromArrival.hour]),
  ],
});

const PART = `CASE WHEN "at" < ? THEN '${SETTLED}' ELSE '${RECENT}' END`;

/**
 * A creator's portfolio taps per video within `bounds`, each row marked `settled` or `recent`. A tap's records
 * share its `at`, so its id falls on one side. The arrival hour (`dt`, `hour`) is never before the tap's.
 */
export const portfolioTapsSinceQuery = (
  table: string,
  profileId: string,
  bounds: ReadBounds,
): FunnelQuery => {
  const since = boundsOf(bounds);
  return {
    sql: `SELECT platform, videoid, ${PART} AS part, COUNT(DISTINCT id) AS taps FROM ${table} WHERE kind = 'portfolioTap' AND profileid = ?${since.sql} GROUP BY 1, 2, 3`,
    parameters: [bounds.settledBefore, profileId, ...since.parameters],
  };
};

/** The kinds whose records repeat with a later `at` (an application's id): rolled up as id sets, not counts. */
const ID_KINDS: readonly JobFunnelKind[] = ['application', 'hired'];

/**
 * A job's counts per kind and video within `bounds` (no video: a step without `via`), each row marked `settled`
 * or `recent`; for applications and hires one row per application id (the `appid` column), since those do not add
 * up per hour. A job's read never starts before its publication (`bounds.fromArrival`).
 */
export const jobFunnelSinceQuery = (table: string, jobId: string, bounds: ReadBounds): FunnelQuery => {
  const since = boundsOf(bounds);
  const quoted = (kinds: readonly string[]) => kinds.map((kind) => `'${kind}'`).join(', ');
  return {
    sql: `SELECT kind, platform, videoid, ${PART} AS part, CASE WHEN kind IN (${quoted(ID_KINDS)}) THEN id END AS appid, COUNT(DISTINCT id) AS n FROM ${table} WHERE jobid = ?${since.sql} AND kind IN (${quoted(JOB_FUNNEL_KINDS)}) GROUP BY 1, 2, 3, 4, 5`,
    parameters: [bounds.settledBefore, jobId, ...since.parameters],
  };
};

type Row = readonly (string | undefined)[];

/** An entry's name in a tally: a video as `<platform>:<videoId>`, or `-` for none. */
const videoNameOf = (platform: string | undefined, videoId: string | undefined): string =>
  isPlatform(platform) && videoId !== undefined ? `${platform}:${videoId}` : '-';

/** The video an entry's name gives, if any. */
export const videoOfName = (name: string): VideoRef | undefined => {
  const split = name.indexOf(':');
  const platform = name.slice(0, split);
  return split > 0 && isPlatform(platform) ? { platform, videoId: name.slice(split + 1) } : undefined;
};

interface Entry {
  readonly name: string;
  /** The id of an id-set entry; none for a count. */
  readonly id?: string;
  readonly count: number;
}

/** Rows as the settled and the recent tallies: the part is `partOf(row)`, the entry `entryOf(row)`. */
const tallyOf = (
  rows: readonly Row[],
  partOf: (row: Row) => string | undefined,
  entryOf: (row: Row) => Entry | undefined,
): { settled: Tally; recent: Tally } => {
  const empty = () => ({ counts: {} as Record<string, number>, ids: {} as Record<string, string[]> });
  const parts = { [SETTLED]: empty(), [RECENT]: empty() };
  for (const row of rows) {
    const partName = partOf(row);
    const part = partName === SETTLED || partName === RECENT ? parts[partName] : undefined;
    const entry = entryOf(row);
    if (!part || !entry) continue;
    if (entry.id === undefined) {
      part.counts[entry.name] = (part.counts[entry.name] ?? 0) + entry.count;
      continue;
    }
    const ids = part.ids[entry.name] ?? [];
    ids.push(entry.id);
    part.ids[entry.name] = ids;
  }
  return { settled: parts[SETTLED], recent: parts[RECENT] };
};

/** Rows of portfolioTapsSinceQuery (platform, videoId, part, count) as tallies per video. */
export const portfolioTallyOf = (rows: readonly Row[]) =>
  tallyOf(
    rows,
    (row) => row[2],
    ([platform, videoId, , count]) =>
      isPlatform(platform) && videoId !== undefined && count !== undefined
        ? { name: videoNameOf(platform, videoId), count: Number(count) }
        : undefined,
  );

/** Rows of jobFunnelSinceQuery (kind, platform, videoId, part, appid, n) as tallies per kind and video. */
export const jobTallyOf = (rows: readonly Row[]) =>
  tallyOf(
    rows,
    (row) => row[3],
    ([kind, platform, videoId, , appid, count]) =>
      isJobFunnelKind(kind) && count !== undefined
        ? {
            name: `${kind} ${videoNameOf(platform, videoId)}`,
            ...(ID_KINDS.includes(kind) && appid !== undefined ? { id: appid } : {}),
            count: Number(count),
          }
        : undefined,
  );

/** A video's taps of both kinds (the console's view of a video). */
export const videoTapsQuery = (table: string, platform: string, videoId: string): FunnelQuery => ({
  sql: `SELECT kind, COUNT(DISTINCT id) AS taps FROM ${table} WHERE platform = ? AND videoid = ? AND kind IN ('portfolioTap', 'applyTap') GROUP BY kind`,
  parameters: [platform, videoId],
});

/** Rows of (kind, count) as a video's taps. */
export const videoTapsOf = (
  rows: readonly (readonly (string | undefined)[])[],
): { portfolioTaps: number; applyTaps: number } => {
  const count = (kind: string) => Number(rows.find(([rowKind]) => rowKind === kind)?.[1] ?? 0);
  return { portfolioTaps: count('portfolioTap'), applyTaps: count('applyTap') };
};

const isPlatform = (value: string | undefined): value is Platform =>
  (PLATFORMS as readonly (string | undefined)[]).includes(value);
