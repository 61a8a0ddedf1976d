import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoredMessage } from './local-queue.ts';
import type { QueueRegistry } from './queue-registry.ts';

/**
 * Queued messages kept across restarts under REELHIRE_DATA_DIR, next to the DynamoDB data: what waits in a
 * dead-letter queue is data someone still has to look at. Written when the stack stops, read when it starts.
 */
type QueueSnapshot = Readonly<Record<string, readonly StoredMessage[]>>;

export const restoreQueues = async (queues: QueueRegistry, file: string): Promise<void> => {
  if (!existsSync(file)) return;
  const snapshot = JSON.parse(await readFile(file, 'utf8')) as QueueSnapshot;
  for (const [name, messages] of Object.entries(snapshot)) queues.byName(name)?.restore(messages);
};

export const saveQueues = async (queues: QueueRegistry, file: string): Promise<void> => {
  const snapshot: Record<string, readonly StoredMessage[]> = {};
  for (const queue of queues.all()) {
    const messages = queue.peek();
    if (messages.length > 0) snapshot[queue.name] = messages;
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(snapshot));
};
