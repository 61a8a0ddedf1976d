import { PLATFORMS, type Platform } from '#events/fields.ts';
import type { JobStepCount, VideoCount } from './funnel-reader.ts';
import { JOB_FUNNEL_KINDS, type JobFunnelKind } from './funnel-record.ts';

/**
 * The funnel's queries, in the SQL that Athena (Presto/Trino) and DuckDB both run over the funnel log's table
 * (columns kind, id, at, platform, videoid, profileid, jobid; partition dt). Values are bound as positional
 * parameters (`?`), never spliced into the text.
 */

export interface FunnelQuery {
  readonly sql: string;
  readonly parameters: readonly string[];
}

/** Which side of a creator's rollup boundary a row of portfolioTapsSinceQuery counts. */
export const SETTLED = 'settled';
export const RECENT = 'recent';

/**
 * A creator's portfolio taps per video since a rolled-up day (none: the whole log), each row marked `settled` (a
 * tap before `settledBefore`, an instant) or `recent`. A tap's records share its `at`, so its id falls on one side.
 * `dt`, the arrival day, is never before the tap's day: the days before `since` are not read at all.
 */
export const portfolioTapsSinceQuery = (
  table: string,
  profileId: string,
  bounds: { readonly settledBefore: string; readonly since?: { readonly at: string; readonly day: string } },
): FunnelQuery => ({
  sql: `SELECT platform, videoid, CASE WHEN "at" < ? THEN '${SETTLED}' ELSE '${RECENT}' END AS part, COUNT(DISTINCT id) AS taps FROM ${table} WHERE kind = 'portfolioTap' AND profileid = ?${bounds.since ? ' AND "at" >= ? AND dt >= ?' : ''} GROUP BY 1, 2, 3`,
  parameters: [bounds.settledBefore, profileId, ...(bounds.since ? [bounds.since.at, bounds.since.day] : [])],
});

/**
 * A job's counts per kind and video (no video: a step without `via`). Only the days since the job was
 * published are read (`dt`, Firehose's arrival day, is never before a record of the job was written).
 */
export const jobFunnelQuery = (table: string, jobId: string, sinceDay: string): FunnelQuery => ({
  sql: `SELECT kind, platform, videoid, COUNT(DISTINCT id) AS n FROM ${table} WHERE jobid = ? AND dt >= ? AND kind IN (${JOB_FUNNEL_KINDS.map((kind) => `'${kind}'`).join(', ')}) GROUP BY kind, platform, videoid`,
  parameters: [jobId, sinceDay],
});

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

const isJobFunnelKind = (value: string | undefined): value is JobFunnelKind =>
  (JOB_FUNNEL_KINDS as readonly (string | undefined)[]).includes(value);

/** Rows of (kind, platform, videoId, count); a video is both halves or neither. */
export const jobStepCountsOf = (rows: readonly (readonly (string | undefined)[])[]): JobStepCount[] =>
  rows.flatMap(([kind, platform, videoId, count]) => {
    if (!isJobFunnelKind(kind) || count === undefined) return [];
    const video = isPlatform(platform) && videoId !== undefined ? { platform, videoId } : undefined;
    return [{ kind, video, count: Number(count) }];
  });

const isPlatform = (value: string | undefined): value is Platform =>
  (PLATFORMS as readonly (string | undefined)[]).includes(value);

/** Rows of (platform, videoId, part, count): the settled and the recent counts per video. */
export const settledAndRecentOf = (
  rows: readonly (readonly (string | undefined)[])[],
): { settled: VideoCount[]; recent: VideoCount[] } => {
  const side = (part: string) =>
    videoCountsOf(
      rows.filter((row) => row[2] === part).map(([platform, videoId, , count]) => [platform, videoId, count]),
    );
  return { settled: side(SETTLED), recent: side(RECENT) };
};

/** Rows of (platform, videoId, count) as the query answers them, as strings; a row of another shape is dropped. */
export const videoCountsOf = (rows: readonly (readonly (string | undefined)[])[]): VideoCount[] =>
  rows.flatMap(([platform, videoId, count]) =>
    isPlatform(platform) && videoId !== undefined && count !== undefined
      ? [{ platform, videoId, count: Number(count) }]
      : [],
  );
