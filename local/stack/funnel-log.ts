import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { glueTablesOf, LocalAthena, workGroupsOf } from '../athena/local-athena.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import {
  deliveryStreamsOf,
  type FirehoseMetricSink,
  LocalDeliveryStreams,
} from '../firehose/local-delivery-streams.ts';
import type { StackLifecycle } from './lifecycle.ts';

/**
 * The funnel log's services: the template's Firehose delivery streams, delivering into local buckets
 * (`<dataDir>/s3/<bucket>` when the data directory is kept, else a temporary directory removed when the stack
 * stops; stopping delivers what is buffered) and publishing their DataFreshness to the stack's metrics, and
 * Athena over the template's Glue tables in those buckets.
 */
export const startFunnelLog = async (
  lifecycle: StackLifecycle,
  input: {
    readonly resources: readonly ResolvedResource[];
    readonly dataDir: string | undefined;
    readonly metrics: FirehoseMetricSink;
  },
): Promise<{ readonly firehose: LocalDeliveryStreams; readonly athena: LocalAthena }> => {
  const root = input.dataDir ? join(input.dataDir, 's3') : await mkdtemp(join(tmpdir(), 'reelhire-s3-'));
  const streams = new LocalDeliveryStreams(deliveryStreamsOf(input.resources), root, input.metrics);
  const athena = new LocalAthena(workGroupsOf(input.resources), glueTablesOf(input.resources), root);
  lifecycle.add({
    name: 'funnel log',
    close: async () => {
      await streams.close();
      athena.close();
      if (!input.dataDir) await rm(root, { recursive: true, force: true });
    },
  });
  return { firehose: streams, athena };
};
