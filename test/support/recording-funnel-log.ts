import type { FunnelLog } from '#funnel/funnel-log.ts';
import type { FunnelRecord } from '#funnel/funnel-record.ts';

/** The tests' FunnelLog: keeps what is recorded, and refuses on demand as a Firehose outage would. */
export class RecordingFunnelLog implements FunnelLog {
  readonly records: FunnelRecord[] = [];
  refusing = false;

  async record(record: FunnelRecord): Promise<void> {
    if (this.refusing) throw new Error('the delivery stream refused the record');
    this.records.push(record);
  }
}
