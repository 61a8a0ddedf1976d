import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Platform } from '#events/fields.ts';
import { type FunnelRecord, funnelLine } from '#funnel/funnel-record.ts';
import { FUNNEL_COLUMNS } from '../../lib/constructs/funnel-log.ts';
import { LocalAthena } from '../athena/local-athena.ts';

const BUCKET = 'funnel-bucket';

/** A portfolio tap's record, with a request id of its own. */
export const portfolioTapRecord = (
  profileId: string,
  videoId: string,
  at: string,
  platform: Platform = 'tiktok',
): FunnelRecord => ({ kind: 'portfolioTap', id: `req_${randomUUID()}`, at, platform, videoId, profileId });

/** An apply tap's record on a TikTok video, with a request id of its own. */
export const applyTapRecord = (jobId: string, videoId: string, at: string): FunnelRecord => ({
  kind: 'applyTap',
  id: `req_${randomUUID()}`,
  at,
  platform: 'tiktok',
  videoId,
  jobId,
});

/**
 * A funnel log of files laid out as Firehose delivers it (gzip JSON lines under `funnel/dt=<day>/hour=<HH>/`, the
 * arrival's) in a
 * temporary directory, with the local Athena (DuckDB) over it as the Glue table `table`: for tests and benches of
 * the funnel's queries that need days of history no stack has delivered.
 */
export const funnelLogFiles = async (table = 'reelhire_test_funnel.funnel_log') => {
  const root = await mkdtemp(join(tmpdir(), 'reelhire-funnel-log-'));
  const [database = '', name = ''] = table.split('.');
  const athena = new LocalAthena(
    [],
    [
      {
        database,
        name,
        bucket: BUCKET,
        prefix: 'funnel/',
        columns: Object.entries(FUNNEL_COLUMNS).map(([column, key]) => ({ name: column, key })),
        partitionKeys: ['dt', 'hour'],
      },
    ],
    root,
  );
  const dayDir = (dt: string) => join(root, BUCKET, 'funnel', `dt=${dt}`);
  const hourDir = (dt: string, hour: string) => join(dayDir(dt), `hour=${hour}`);
  return {
    table,
    query: (sql: string, parameters: readonly string[]) => athena.query(sql, parameters),
    /**
     * One object of `records` delivered on arrival day `dt` in its hour `hour` (`HH`; by default the day's last, so
     * that records of any time of that day may be in it: a record never arrives before its `at`).
     */
    async deliver(dt: string, records: readonly FunnelRecord[], hour = '23'): Promise<void> {
      await mkdir(hourDir(dt, hour), { recursive: true });
      await writeFile(
        join(hourDir(dt, hour), `stream-${randomUUID()}.gz`),
        gzipSync(records.map(funnelLine).join('')),
      );
    },
    /** Removes the objects of arrival day `dt`, or of its hour `hour` only. */
    forget: (dt: string, hour?: string) =>
      rm(hour === undefined ? dayDir(dt) : hourDir(dt, hour), { recursive: true, force: true }),
    async close(): Promise<void> {
      athena.close();
      await rm(root, { recursive: true, force: true });
    },
  };
};

export type FunnelLogFiles = Awaited<ReturnType<typeof funnelLogFiles>>;
