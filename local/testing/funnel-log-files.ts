import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type FunnelRecord, funnelLine } from '#funnel/funnel-record.ts';
import { FUNNEL_COLUMNS } from '../../lib/constructs/funnel-log.ts';
import { LocalAthena } from '../athena/local-athena.ts';

const BUCKET = 'funnel-bucket';

/**
 * A funnel log of files laid out as Firehose delivers it (gzip JSON lines under `funnel/dt=<arrival day>/`) in a
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
      },
    ],
    root,
  );
  const dayDir = (dt: string) => join(root, BUCKET, 'funnel', `dt=${dt}`);
  return {
    table,
    query: (sql: string, parameters: readonly string[]) => athena.query(sql, parameters),
    /** One object of `records` delivered into arrival day `dt`. */
    async deliver(dt: string, records: readonly FunnelRecord[]): Promise<void> {
      await mkdir(dayDir(dt), { recursive: true });
      await writeFile(
        join(dayDir(dt), `stream-${randomUUID()}.gz`),
        gzipSync(records.map(funnelLine).join('')),
      );
    },
    /** Removes the objects of arrival day `dt`. */
    forget: (dt: string) => rm(dayDir(dt), { recursive: true, force: true }),
    async close(): Promise<void> {
      athena.close();
      await rm(root, { recursive: true, force: true });
    },
  };
};

export type FunnelLogFiles = Awaited<ReturnType<typeof funnelLogFiles>>;
