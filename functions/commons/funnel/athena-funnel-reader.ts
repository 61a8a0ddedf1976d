import { runAthenaQuery } from '#shared/aws/athena.ts';
import { portfolioTapsQuery, videoCountsOf } from './funnel-queries.ts';
import type { FunnelReader, VideoCount } from './funnel-reader.ts';

/** Within API Gateway's 30 s integration limit, with room for the answer. */
const QUERY_TIMEOUT_MS = 20_000;

/** The funnel's counts by Athena over the funnel log's Glue table (DuckDB over the same files locally). */
export class AthenaFunnelReader implements FunnelReader {
  constructor(
    private readonly workGroup: string,
    private readonly table: string,
  ) {}

  async portfolioTaps(profileId: string): Promise<VideoCount[]> {
    const { sql, parameters } = portfolioTapsQuery(this.table, profileId);
    return videoCountsOf(await runAthenaQuery(this.workGroup, sql, parameters, QUERY_TIMEOUT_MS));
  }
}
