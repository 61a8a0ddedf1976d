import type { JobFunnel } from '#employers/routes.ts';
import { runAthenaQuery } from '#shared/aws/athena.ts';
import { jobFunnelQuery, jobStepCountsOf, portfolioTapsQuery, videoCountsOf } from './funnel-queries.ts';
import type { FunnelReader, VideoCount } from './funnel-reader.ts';
import { jobFunnelOf } from './job-funnel.ts';

/** Within the reading functions' timeouts (the employer API's 20 s), with room for the answer. */
const QUERY_TIMEOUT_MS = 15_000;

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

  async jobFunnel(jobId: string, since: Date): Promise<JobFunnel> {
    const { sql, parameters } = jobFunnelQuery(this.table, jobId, since.toISOString().slice(0, 10));
    const rows = await runAthenaQuery(this.workGroup, sql, parameters, QUERY_TIMEOUT_MS);
    return jobFunnelOf(jobId, jobStepCountsOf(rows));
  }
}
