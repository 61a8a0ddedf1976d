import type { JobFunnel } from '#employers/routes.ts';
import type { FunnelLog } from '#funnel/funnel-log.ts';
import type { FunnelReader, JobStepCount } from '#funnel/funnel-reader.ts';
import {
  type FunnelRecord,
  JOB_FUNNEL_KINDS,
  type JobFunnelKind,
  type JobStep,
  jobStepRecord,
} from '#funnel/funnel-record.ts';
import { jobFunnelOf } from '#funnel/job-funnel.ts';

const isJobFunnelKind = (kind: FunnelRecord['kind']): kind is JobFunnelKind =>
  (JOB_FUNNEL_KINDS as readonly string[]).includes(kind);

/**
 * The tests' FunnelLog: keeps what is recorded, and refuses on demand as a Firehose outage would. It counts a
 * job's records as the queries do (distinct ids per kind and video) for handler tests; the queries themselves
 * are tested over the real local Athena (test/funnel).
 */
export class RecordingFunnelLog implements FunnelLog, Pick<FunnelReader, 'jobFunnel'> {
  readonly records: FunnelRecord[] = [];
  refusing = false;

  async record(record: FunnelRecord): Promise<void> {
    if (this.refusing) throw new Error('the delivery stream refused the record');
    this.records.push(record);
  }

  recordStep(step: JobStep): Promise<void> {
    return this.record(jobStepRecord(step));
  }

  async jobFunnel(jobId: string): Promise<JobFunnel> {
    const ids = new Map<string, { count: JobStepCount; ids: Set<string> }>();
    for (const record of this.records) {
      if (!('jobId' in record) || record.jobId !== jobId || !isJobFunnelKind(record.kind)) continue;
      const video =
        record.platform === null || record.videoId === null
          ? undefined
          : { platform: record.platform, videoId: record.videoId };
      const key = `${record.kind} ${record.platform} ${record.videoId}`;
      const group = ids.get(key) ?? { count: { kind: record.kind, video, count: 0 }, ids: new Set() };
      group.ids.add(record.id);
      ids.set(key, group);
    }
    const counts = [...ids.values()].map(({ count, ids: distinct }) => ({ ...count, count: distinct.size }));
    return jobFunnelOf(jobId, counts);
  }
}
