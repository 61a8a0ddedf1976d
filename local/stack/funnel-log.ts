import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { deliveryStreamsOf, LocalDeliveryStreams } from '../firehose/local-delivery-streams.ts';
import type { StackLifecycle } from './lifecycle.ts';

/**
 * The template's Firehose delivery streams, delivering into local buckets: `<dataDir>/s3/<bucket>` when the data
 * directory is kept, else a temporary directory removed when the stack stops. Stopping delivers what is buffered.
 */
export const startDeliveryStreams = async (
  lifecycle: StackLifecycle,
  input: { readonly resources: readonly ResolvedResource[]; readonly dataDir: string | undefined },
): Promise<LocalDeliveryStreams> => {
  const root = input.dataDir ? join(input.dataDir, 's3') : await mkdtemp(join(tmpdir(), 'reelhire-s3-'));
  const streams = new LocalDeliveryStreams(deliveryStreamsOf(input.resources), root);
  lifecycle.add({
    close: async () => {
      await streams.close();
      if (!input.dataDir) await rm(root, { recursive: true, force: true });
    },
  });
  return streams;
};
