import { jobFunnelSinceQuery, jobTallyOf, videoTapsOf, videoTapsQuery } from '#funnel/funnel-queries.ts';
import { merged } from '#funnel/funnel-rollup.ts';
import { jobFunnelOfTally } from '#funnel/job-funnel.ts';
import { FUNNEL_TABLE_NAME } from '../../lib/names.ts';
import type { LocalAthena } from '../athena/local-athena.ts';

/**
 * What the local console shows of the funnel (`/_local/funnel`): a job's funnel (`?jobId=`) or a video's taps
 * (`?platform=&videoId=`), counted with the functions' own queries over the local Athena, as delivered so far
 * (the stream buffers 15 s, as Firehose does). Local mode only: no key, no workgroup.
 */
export const funnelView = async (athena: LocalAthena, query: URLSearchParams): Promise<unknown> => {
  const table = athena.tables.find((candidate) => candidate.name === FUNNEL_TABLE_NAME);
  if (!table) return { error: 'the template has no funnel table' };
  const name = `${table.database}.${table.name}`;
  const jobId = query.get('jobId');
  if (jobId) {
    // The whole log, no rollup: what the functions' read would answer.
    const { sql, parameters } = jobFunnelSinceQuery(name, jobId, {
      settledBefore: '',
      fromArrival: undefined,
      fromAt: undefined,
    });
    const { settled, recent } = jobTallyOf(await athena.query(sql, parameters));
    return jobFunnelOfTally(jobId, merged(settled, recent));
  }
  const platform = query.get('platform') ?? '';
  const videoId = query.get('videoId') ?? '';
  const { sql, parameters } = videoTapsQuery(name, platform, videoId);
  return { platform, videoId, ...videoTapsOf(await athena.query(sql, parameters)) };
};
