import type { JobFunnel } from '#employers/routes.ts';
import { type CountTapsSince, type CreatorRollups, rolledUpPortfolioTaps } from './creator-rollup.ts';
import {
  jobFunnelQuery,
  jobStepCountsOf,
  portfolioTapsSinceQuery,
  settledAndRecentOf,
} from './funnel-queries.ts';
import type { FunnelReader, VideoCount } from './funnel-reader.ts';
import { jobFunnelOf } from './job-funnel.ts';

/** Runs one query over the funnel log's table: Athena in the cloud (`runAthenaQuery`), DuckDB locally. */
export type FunnelQueryRunner = (
  sql: string,
  parameters: readonly string[],
) => Promise<(string | undefined)[][]>;

/**
 * The funnel's counts by Athena over the funnel log's Glue table (DuckDB over the same files locally). A creator's
 * taps are read through the creator's rollup (creator-rollup.ts); a job's are bounded by its publication.
 */
export class AthenaFunnelReader implements FunnelReader {
  readonly portfolioTaps: (profileId: string) => Promise<VideoCount[]>;

  constructor(
    private readonly query: FunnelQueryRunner,
    private readonly table: string,
    rollups: CreatorRollups,
    options: { readonly now?: () => number; readonly maxVideos?: number } = {},
  ) {
    const count: CountTapsSince = async (profileId, bounds) => {
      const { sql, parameters } = portfolioTapsSinceQuery(this.table, profileId, bounds);
      return settledAndRecentOf(await this.query(sql, parameters));
    };
    this.portfolioTaps = rolledUpPortfolioTaps(count, rollups, options);
  }

  async jobFunnel(jobId: string, since: Date): Promise<JobFunnel> {
    const { sql, parameters } = jobFunnelQuery(this.table, jobId, since.toISOString().slice(0, 10));
    return jobFunnelOf(jobId, jobStepCountsOf(await this.query(sql, parameters)));
  }
}
