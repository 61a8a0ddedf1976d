import type { JobFunnel } from '#employers/routes.ts';
import {
  jobFunnelSinceQuery,
  jobTallyOf,
  portfolioTallyOf,
  portfolioTapsSinceQuery,
  videoOfName,
} from './funnel-queries.ts';
import type { FunnelReader, VideoCount } from './funnel-reader.ts';
import { creatorRollupKey, jobRollupKey, type Rollups, rolledUpTally } from './funnel-rollup.ts';
import { jobFunnelOfTally } from './job-funnel.ts';

/** Runs one query over the funnel log's table: Athena in the cloud (`runAthenaQuery`), DuckDB locally. */
export type FunnelQueryRunner = (
  sql: string,
  parameters: readonly string[],
) => Promise<(string | undefined)[][]>;

/**
 * The funnel's counts by Athena over the funnel log's Glue table (DuckDB over the same files locally), each key
 * read through its rollup (funnel-rollup.ts): a read counts the log after the key's last final hour.
 */
export class AthenaFunnelReader implements FunnelReader {
  private readonly read: ReturnType<typeof rolledUpTally>;

  constructor(
    private readonly query: FunnelQueryRunner,
    private readonly table: string,
    rollups: Rollups,
    options: Parameters<typeof rolledUpTally>[1] = {},
  ) {
    this.read = rolledUpTally(rollups, options);
  }

  async portfolioTaps(profileId: string): Promise<VideoCount[]> {
    const { counts } = await this.read(creatorRollupKey(profileId), async (bounds) => {
      const { sql, parameters } = portfolioTapsSinceQuery(this.table, profileId, bounds);
      return portfolioTallyOf(await this.query(sql, parameters));
    });
    return Object.entries(counts)
      .flatMap(([name, count]) => {
        const video = videoOfName(name);
        return video ? [{ ...video, count }] : [];
      })
      .sort((a, b) => compare(a.platform, b.platform) || compare(a.videoId, b.videoId));
  }

  async jobFunnel(jobId: string, since: Date): Promise<JobFunnel> {
    const tally = await this.read(
      jobRollupKey(jobId, since),
      async (bounds) => {
        const { sql, parameters } = jobFunnelSinceQuery(this.table, jobId, bounds);
        return jobTallyOf(await this.query(sql, parameters));
      },
      since.getTime(),
    );
    return jobFunnelOfTally(jobId, tally);
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
