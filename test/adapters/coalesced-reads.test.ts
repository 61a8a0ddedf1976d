import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { CoalescedReads } from '#shared/aws/coalesced-reads.ts';
import { localDocumentClient } from '../../local/testing/local-clients.ts';
import { useDynalite } from '../support/shared-resource.ts';

/**
 * Coalesced strongly consistent reads against dynalite: what goes in one BatchGetItem, that a read asked for
 * while one is in flight waits for the next (so it sees a write finished before it was asked), and that keys
 * DynamoDB leaves unprocessed are asked for again. An SDK middleware counts the requests and, where a test says
 * so, answers part of a request as unprocessed (the document client's view: keys and items unmarshalled) (what DynamoDB does under throttling, which dynalite never does).
 */

const dynamo = useDynalite();
let tableName: string;
let documents: DynamoDBDocumentClient;
/** The keys of each BatchGetItem sent, in order. */
let sent: string[][];
/** While above 0, each BatchGetItem answers its last key as unprocessed, and this counts down. */
let unprocess: number;
/** Runs once, as the next BatchGetItem is sent. */
let whileInFlight: (() => Promise<void>) | undefined;
/** Holds back the writes of the item `ITEM#slow` until released. */
let slowWrites: Promise<void> | undefined;

const key = (id: string) => ({ pk: `ITEM#${id}`, sk: 'ITEM' });
const put = (id: string, value: number) =>
  documents.send(new PutCommand({ TableName: tableName, Item: { ...key(id), value } }));

type BatchInput = { RequestItems: Record<string, { Keys: { pk: string }[] }> };
type BatchOutput = {
  Responses?: Record<string, { pk: string }[]>;
  UnprocessedKeys?: Record<string, { Keys: unknown[]; ConsistentRead?: boolean }>;
};

beforeEach(async () => {
  tableName = await dynamo.createTable('coalesced');
  sent = [];
  unprocess = 0;
  whileInFlight = undefined;
  slowWrites = undefined;
  documents = localDocumentClient(dynamo.endpoint);
  documents.middlewareStack.add(
    (next, context) => async (args) => {
      const written = (args.input as { Item?: { pk?: unknown } }).Item?.pk;
      if (written === 'ITEM#slow' && slowWrites) await slowWrites;
      if (context.commandName !== 'BatchGetItemCommand') return next(args);
      const input = args.input as BatchInput;
      const keys = input.RequestItems[tableName]?.Keys ?? [];
      sent.push(keys.map((requested) => requested.pk));
      const hook = whileInFlight;
      whileInFlight = undefined;
      const answered = await next(args);
      if (hook) await hook();
      if (unprocess > 0 && keys.length > 0) {
        unprocess -= 1;
        const last = keys.at(-1);
        const output = answered.output as BatchOutput;
        const responses = output.Responses?.[tableName] ?? [];
        output.Responses = {
          [tableName]: responses.filter((item) => item.pk !== last?.pk),
        };
        output.UnprocessedKeys = { [tableName]: { Keys: [last], ConsistentRead: true } };
      }
      return answered;
    },
    { step: 'initialize', name: 'countAndThrottleBatchGets' },
  );
});

describe('coalesced reads', () => {
  it('sends the reads of one moment as one request, a key asked twice once, and answers each reader', async () => {
    await Promise.all([put('a', 1), put('b', 2)]);
    const reads = new CoalescedReads(documents, tableName);
    const [a, b, again, missing] = await Promise.all([
      reads.read(key('a')),
      reads.read(key('b')),
      reads.read(key('a')),
      reads.read(key('none')),
    ]);
    expect([a?.value, b?.value, again?.value, missing]).toEqual([1, 2, 1, undefined]);
    expect(sent).toEqual([['ITEM#a', 'ITEM#b', 'ITEM#none']]);
  });

  it('never lets a read join a request already sent: it goes in the next one, and sees a write finished before it', async () => {
    await put('x', 1);
    const reads = new CoalescedReads(documents, tableName);
    let late: Promise<Record<string, unknown> | undefined> | undefined;
    // While the first request is in flight, a writer finishes its write and only then asks for the item.
    whileInFlight = async () => {
      await put('x', 2);
      late = reads.read(key('x'));
    };
    const early = await reads.read(key('x'));
    expect(late).toBeDefined();
    expect(early?.value).toBe(1);
    expect((await late)?.value).toBe(2);
    expect(sent).toEqual([['ITEM#x'], ['ITEM#x']]);
  });

  it('waits for the writes in flight to land, so that the reads their callers ask for next go in the same request', async () => {
    const reads = new CoalescedReads(documents, tableName, 60_000);
    const ids = Array.from({ length: 12 }, (_, index) => `w${index}`);
    const values = await Promise.all(
      ids.map(async (id, index) => {
        await put(id, index);
        return (await reads.read(key(id)))?.value;
      }),
    );
    expect(values).toEqual(ids.map((_, index) => index));
    expect(sent).toHaveLength(1);
    expect([...(sent[0] ?? [])].sort()).toEqual(ids.map((id) => `ITEM#${id}`).sort());
  });

  it('does not wait longer than its bound for a write that does not land', async () => {
    await put('r', 1);
    const reads = new CoalescedReads(documents, tableName, 20);
    let release = () => {};
    slowWrites = new Promise((resolve) => {
      release = resolve;
    });
    const stuck = put('slow', 1);
    // Answered while the slow write is still held back.
    expect((await reads.read(key('r')))?.value).toBe(1);
    release();
    await stuck;
  });

  it('asks again for keys DynamoDB left unprocessed, and gives up with an error after its attempts', async () => {
    await Promise.all([put('p', 1), put('q', 2)]);
    const reads = new CoalescedReads(documents, tableName);
    unprocess = 2;
    const [p, q] = await Promise.all([reads.read(key('p')), reads.read(key('q'))]);
    expect([p?.value, q?.value]).toEqual([1, 2]);
    expect(sent).toEqual([['ITEM#p', 'ITEM#q'], ['ITEM#q'], ['ITEM#q']]);

    unprocess = 100;
    await expect(reads.read(key('p'))).rejects.toThrow(/unprocessed after 8 attempts/);
    // The coalescer is not stuck: the next read is answered.
    unprocess = 0;
    expect((await reads.read(key('q')))?.value).toBe(2);
  });

  it('splits more than 100 keys into requests of at most 100', async () => {
    const reads = new CoalescedReads(documents, tableName);
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, index) => reads.read(key(`k${index}`))),
    );
    expect(answers.every((answer) => answer === undefined)).toBe(true);
    expect(sent.map((keys) => keys.length).sort((a, b) => a - b)).toEqual([50, 100]);
  });
});
