import type { JobFunnel } from '#employers/routes.ts';
import { viaText } from '#shared/via.ts';
import { videoOfName } from './funnel-queries.ts';
import type { JobStepCount } from './funnel-reader.ts';
import { isJobFunnelKind, type JobFunnelKind } from './funnel-record.ts';
import type { Tally } from './funnel-rollup.ts';

type Counts = JobFunnel['totals'];

/** Each kind of record as the body names its count. */
const COUNT_OF: Readonly<Record<JobFunnelKind, keyof Counts>> = {
  applyTap: 'applyTaps',
  applyPageView: 'applyPageViews',
  application: 'applications',
  hired: 'hired',
};

const noCounts = (): Counts => ({ applyTaps: 0, applyPageViews: 0, applications: 0, hired: 0 });

/**
 * A job's funnel from its counts per kind and video: a video's row counts what carried its `via`, the totals
 * everything (a record has one kind and at most one video, so the sums count each once). Videos in a stable
 * order: by platform, then id.
 */
export const jobFunnelOf = (jobId: string, counts: readonly JobStepCount[]): JobFunnel => {
  const totals = noCounts();
  const videos = new Map<string, JobFunnel['videos'][number]>();
  for (const { kind, video, count } of counts) {
    totals[COUNT_OF[kind]] += count;
    if (video === undefined) continue;
    const key = viaText(video);
    const row = videos.get(key) ?? { platform: video.platform, videoId: video.videoId, ...noCounts() };
    row[COUNT_OF[kind]] += count;
    videos.set(key, row);
  }
  const ordered = [...videos.values()].sort(
    (a, b) => a.platform.localeCompare(b.platform) || a.videoId.localeCompare(b.videoId),
  );
  return { jobId, videos: ordered, totals };
};

/**
 * A job's funnel from its tally (funnel-queries.ts `jobTallyOf`): entries named `<kind> <platform>:<videoId>` (or
 * `<kind> -` without a video), counts as they are, id sets by their size.
 */
export const jobFunnelOfTally = (jobId: string, tally: Tally): JobFunnel => {
  const steps = [
    ...Object.entries(tally.counts),
    ...Object.entries(tally.ids).map(([name, ids]) => [name, ids.length] as const),
  ].flatMap(([name, count]): JobStepCount[] => {
    const split = name.indexOf(' ');
    const kind = name.slice(0, split);
    return isJobFunnelKind(kind) ? [{ kind, video: videoOfName(name.slice(split + 1)), count }] : [];
  });
  return jobFunnelOf(jobId, steps);
};
