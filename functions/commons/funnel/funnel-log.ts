import type { FunnelRecord, JobStep } from './funnel-record.ts';

/**
 * Where taps and page views are written: an append-only log, never a shared item. `record` resolves once the
 * log has accepted the record (it is then delivered at least once); it throws when it could not be accepted,
 * so that the request is not answered as counted.
 */
export interface FunnelLog {
  record(record: FunnelRecord): Promise<void>;
  /** A job's step (page view, application, hire) with the video of its `via`, as one record. */
  recordStep(step: JobStep): Promise<void>;
}

/** The environment variable naming the delivery stream, set by the stack on the functions that record. */
export const FUNNEL_STREAM_VARIABLE = 'FUNNEL_STREAM_NAME';

/** The Athena workgroup the funnel's queries run in, and the funnel log's Glue table (`database.table`). */
export const FUNNEL_WORKGROUP_VARIABLE = 'FUNNEL_WORKGROUP';
export const FUNNEL_TABLE_VARIABLE = 'FUNNEL_TABLE';
