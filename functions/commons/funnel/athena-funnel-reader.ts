import type { JobFunnel } from '#employers/routes.ts';
import {
  jobFunnelSinceQuery,
  jobTallyOf,
  portfolioTallyOf,
  portfolioTapsSinceQuery,
  videoOfName,
} from './funnel-queries.ts';
import type { FunnelReader, VideoCount } from './funnel-reader.ts';
import { dayOf, type Rollups, rolledUpTally, type TallySince } from './funnel-rollup.ts';
import { jobFunnelOfTally } from './job-funnel.ts';

/** Runs one query over the funnel log's table: Athena in the cloud (`runAthenaQuery`), DuckDB locally. */
export type FunnelQueryRunner = (
  sql: string,
  parameters: readonly string[],
) => Promise<(string | undefined)[][]>;

/** The rollup keys of a creator and of a job (funnel-rollup.ts). */
export const creatorRollupKey = (profileId: string): string => `CREATOR#${profileId}`;
export const jobRollupKey = (jobId: string): string => `JOB#${jobId}`;

const afterPrefix = (key: string): string => key.slice(key.indexOf('#') + 1);

/**
 * The funnel's counts by Athena over the funnel log's Glue table (DuckDB over the same files locally), each key
 * read through its rollup (funnel-rollup.ts): a read counts the log after the key's last final day.
 */
export class AthenaFunnelReader implements FunnelReader {
  private readonly creatorTally: ReturnType<typeof rolledUpTally>;
  private readonly jobTally: ReturnType<typeof rolledUpTally>;

  constructor(
    query: FunnelQueryRunner,
    table: string,
    rollups: Rollups,
    options: { readonly now?: () => number; readonly maxEntries?: number } = {},
  ) {
    const creatorSince: TallySince = async (key, bounds) => {
      const { sql, parameters } = portfolioTapsSinceQuery(table, afterPrefix(key), bounds);
      return portfolioTallyOf(await query(sql, parameters));
    };
    const jobSince: TallySince = async (key, bounds) => {
      const { sql, parameters } = jobFunnelSinceQuery(table, afterPrefix(key), bounds);
      return jobTallyOf(await query(sql, parameters));
    };
    this.creatorTally = rolledUpTally(creatorSince, rollups, options);
    this.jobTally = rolledUpTally(jobSince, rollups, options);
  }

  async portfolioTaps(profileId: string): Promise<VideoCount[]> {
    const { counts } = await this.creatorTally(creatorRollupKey(profileId));
    return Object.entries(counts)
      .flatMap(([name, count]) => {
        const video = videoOfName(name);
        return video ? [{ ...video, count }] : [];
      })
      .sort((a, b) => compare(a.platform, b.platform) || compare(a.videoId, b.videoId));
  }

  async jobFunnel(jobId: string, since: Date): Promise<JobFunnel> {
    return jobFunnelOfTally(jobId, await this.jobTally(jobRollupKey(jobId), dayOf(since.getTime())));
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
