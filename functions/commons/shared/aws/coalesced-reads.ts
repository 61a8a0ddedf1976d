import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from '../item-keys.ts';
import type { Item } from './dynamo.ts';

/** BatchGetItem's limit on keys per request. */
const MAX_KEYS = 100;
/** Keys DynamoDB left unprocessed (throttling) are asked for again, backing off, this many times. */
const UNPROCESSED_ATTEMPTS = 8;
/** The longest a read waits for the client's writes in flight to land (a write takes a few ms in region). */
const WRITES_WAIT_MS = 20;

interface Waiting {
  readonly key: ItemKey;
  readonly readers: { resolve: (item: Item | undefined) => void; reject: (error: unknown) => void }[];
}

const keyId = (key: ItemKey): string => `${key.pk}\u0000${key.sk}`;

/**
 * The writes a client has in flight. The records of a batch write at once and each reads after its write: while
 * the others' writes are in flight their reads are about to be asked for, so a read waits for them to land (at
 * most `WRITES_WAIT_MS`) and goes in one request with theirs.
 */
class WritesInFlight {
  private count = 0;
  private onIdle: (() => void)[] = [];

  started(): void {
    this.count += 1;
  }

  ended(): void {
    this.count -= 1;
    if (this.count > 0) return;
    const waiting = this.onIdle;
    this.onIdle = [];
    for (const resume of waiting) resume();
  }

  landed(maxWaitMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      this.onIdle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

const WRITE_COMMAND = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;
const trackedClients = new WeakMap<DynamoDBDocumentClient, WritesInFlight>();

/** The client's writes in flight, counted by a middleware added once. */
const writesOf = (documents: DynamoDBDocumentClient): WritesInFlight => {
  const known = trackedClients.get(documents);
  if (known) return known;
  const writes = new WritesInFlight();
  trackedClients.set(documents, writes);
  documents.middlewareStack.add(
    (next, context) => async (args) => {
      if (!WRITE_COMMAND.test(context.commandName ?? '')) return next(args);
      writes.started();
      try {
        return await next(args);
      } finally {
        writes.ended();
      }
    },
    // High: outermost, so a write is in flight for as long as its caller waits on it.
    { step: 'initialize', name: 'coalescedReadsWritesInFlight', priority: 'high' },
  );
  return writes;
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Strongly consistent single-item reads of one table, coalesced into BatchGetItem requests: the records of an SQS
 * batch, handled at once, each read an item after their write, and one request carries them all. A read asked for
 * while a request is in flight never joins it: it goes in the next one, sent once that one has answered, so every
 * read is sent after it was asked for and sees each write its caller finished before asking (read after write).
 * A request waits for the client's writes in flight to land first (the batch's other records, about to read).
 * The same key asked for twice before a send is read once. Billing is per item, as for GetItem.
 */
export class CoalescedReads {
  private waiting = new Map<string, Waiting>();
  private sending = false;
  private readonly writes: WritesInFlight;

  constructor(
    private readonly documents: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly writesWaitMs = WRITES_WAIT_MS,
  ) {
    this.writes = writesOf(documents);
  }

  read(key: ItemKey): Promise<Item | undefined> {
    return new Promise((resolve, reject) => {
      const id = keyId(key);
      const entry = this.waiting.get(id) ?? { key, readers: [] };
      entry.readers.push({ resolve, reject });
      this.waiting.set(id, entry);
      if (!this.sending && this.waiting.size === 1 && entry.readers.length === 1) this.sendSoon();
    });
  }

  /** Once the writes in flight have landed, and the reads they let through in that turn have been asked. */
  private sendSoon(): void {
    void this.writes.landed(this.writesWaitMs).then(() => setImmediate(() => this.send()));
  }

  private send(): void {
    if (this.sending || this.waiting.size === 0) return;
    this.sending = true;
    const batch = [...this.waiting.values()];
    this.waiting = new Map();
    const chunks: Waiting[][] = [];
    for (let start = 0; start < batch.length; start += MAX_KEYS)
      chunks.push(batch.slice(start, start + MAX_KEYS));
    void Promise.all(chunks.map((chunk) => this.answer(chunk))).finally(() => {
      this.sending = false;
      if (this.waiting.size > 0) this.sendSoon();
    });
  }

  private async answer(chunk: readonly Waiting[]): Promise<void> {
    try {
      const found = await this.batchGet(chunk.map((entry) => entry.key));
      for (const entry of chunk)
        for (const reader of entry.readers) reader.resolve(found.get(keyId(entry.key)));
    } catch (error) {
      for (const entry of chunk) for (const reader of entry.readers) reader.reject(error);
    }
  }

  private async batchGet(keys: readonly ItemKey[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    let pending: readonly ItemKey[] = keys;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= UNPROCESSED_ATTEMPTS)
        throw new Error(`BatchGetItem left ${pending.length} keys unprocessed after ${attempt} attempts`);
      if (attempt > 0) await pause(Math.min(25 * 2 ** attempt, 500));
      const answer = await this.documents.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: { Keys: pending.map((key) => ({ ...key })), ConsistentRead: true },
          },
        }),
      );
      for (const item of answer.Responses?.[this.tableName] ?? [])
        found.set(keyId({ pk: String(item.pk), sk: String(item.sk) }), item);
      pending = (answer.UnprocessedKeys?.[this.tableName]?.Keys ?? []).map((key) => ({
        pk: String(key.pk),
        sk: String(key.sk),
      }));
    }
    return found;
  }
}

const perClient = new WeakMap<DynamoDBDocumentClient, Map<string, CoalescedReads>>();

/** The one coalescer of a table on a client, shared by every store reading that table through it. */
export const coalescedReadsOf = (documents: DynamoDBDocumentClient, tableName: string): CoalescedReads => {
  const tables = perClient.get(documents) ?? new Map<string, CoalescedReads>();
  perClient.set(documents, tables);
  const reads = tables.get(tableName) ?? new CoalescedReads(documents, tableName);
  tables.set(tableName, reads);
  return reads;
};
