import { PLATFORMS, type Platform } from '#events/fields.ts';
import type { VideoCount } from './funnel-reader.ts';

/**
 * The funnel's queries, in the SQL that Athena (Presto/Trino) and DuckDB both run over the funnel log's table
 * (columns kind, id, at, platform, videoid, profileid, jobid; partition dt). Values are bound as positional
 * parameters (`?`), never spliced into the text.
 */

export interface FunnelQuery {
  readonly sql: string;
  readonly parameters: readonly string[];
}

export const portfolioTapsQuery = (table: string, profileId: string): FunnelQuery => ({
  sql: `SELECT platform, videoid, COUNT(DISTINCT id) AS taps FROM ${table} WHERE kind = 'portfolioTap' AND profileid = ? GROUP BY platform, videoid ORDER BY platform, videoid`,
  parameters: [profileId],
});

const isPlatform = (value: string | undefined): value is Platform =>
  (PLATFORMS as readonly (string | undefined)[]).includes(value);

/** Rows of (platform, videoId, count) as the query answers them, as strings; a row of another shape is dropped. */
export const videoCountsOf = (rows: readonly (readonly (string | undefined)[])[]): VideoCount[] =>
  rows.flatMap(([platform, videoId, count]) =>
    isPlatform(platform) && videoId !== undefined && count !== undefined
      ? [{ platform, videoId, count: Number(count) }]
      : [],
  );
