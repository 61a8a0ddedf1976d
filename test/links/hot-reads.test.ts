import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLinkEvent } from '#links/apply-event.ts';
import { hotLinkReads } from '#links/hot-link-reads.ts';
import type { LinkContext } from '#links/link-context.ts';
import { createLinksApiHandler } from '#links/links-api-handler.ts';
import {
  HOT_READ_MAX_AGE_MS,
  HOT_READS_PER_SECOND,
  hotKeyReads,
  THROTTLED_HOT_MS,
} from '#shared/hot-reads.ts';
import { FaultProxy } from '../../reliability/fault-proxy.ts';
import { RecordingFunnelLog } from '../support/recording-funnel-log.ts';
import { useDynalite } from '../support/shared-resource.ts';
import { tapLinkContext, tapThrough } from './tap-harness.ts';

/**
 * A viral video's taps at 100,000 a second would read its partition and its account item far past one item's
 * 3,000 reads a second (docs/capacity.md, "Funnel"). An environment serving a key at a viral rate answers it from
 * its latest table read of the key, at most HOT_READ_MAX_AGE_MS old; a key read less often is read every time.
 */

/** A DynamoDB refusal for throughput, as the SDK raises it. */
const throttled = () =>
  Object.assign(new Error('Throughput exceeds the current capacity'), {
    name: 'ProvisionedThroughputExceededException',
  });

/** A table whose value the test sets, counting its reads; `failing` makes the next reads fail with that error. */
const countingTable = () => {
  const table: { value: string; reads: number; failing?: Error } = { value: 'v1', reads: 0 };
  const read = async (key: string): Promise<string> => {
    table.reads++;
    if (table.failing) throw table.failing;
    return `${key}=${table.value}`;
  };
  return { table, read };
};

/** The counting table read through hotKeyReads, on a clock the test moves (`clock.now`, in ms). */
const hotTable = () => {
  const { table, read } = countingTable();
  const clock = { now: 0 };
  return {
    table,
    clock,
    reads: hotKeyReads(
      read,
      (key: string) => key,
      () => clock.now,
    ),
  };
};

describe('hotKeyReads', () => {
  it('reads a key from the table every time below the hot rate', async () => {
    const { table, clock, reads } = hotTable();
    // HOT_READS_PER_SECOND reads, each 60 ms after the one before: never that many within one second.
    for (let index = 0; index < HOT_READS_PER_SECOND * 3; index++) {
      expect(await reads('video')).toBe('video=v1');
      clock.now += 60;
    }
    expect(table.reads).toBe(HOT_READS_PER_SECOND * 3);
  });

  it('reads a hot key from the table once per HOT_READ_MAX_AGE_MS', async () => {
    const { table, clock, reads } = hotTable();
    // 200 reads 10 ms apart (100 a second) over 2 s: the first HOT_READS_PER_SECOND − 1 read the table, the rest
    // only when the latest table read is HOT_READ_MAX_AGE_MS old (at 1,180 ms).
    for (let index = 0; index < 200; index++) {
      await reads('video');
      clock.now += 10;
    }
    expect(table.reads).toBe(HOT_READS_PER_SECOND - 1 + 1);
  });

  it('answers a hot key with what the table held at most HOT_READ_MAX_AGE_MS before', async () => {
    const { table, clock, reads } = hotTable();
    const answers: { at: number; value: string }[] = [];
    for (let index = 0; index < 400; index++) {
      if (clock.now === 1_500) table.value = 'v2';
      answers.push({ at: clock.now, value: await reads('video') });
      clock.now += 5;
    }
    expect(answers.some(({ at, value }) => at >= 1_500 && value === 'video=v1')).toBe(true);
    expect(answers.filter(({ at }) => at >= 1_500 + HOT_READ_MAX_AGE_MS).map(({ value }) => value)).toEqual(
      answers.filter(({ at }) => at >= 1_500 + HOT_READ_MAX_AGE_MS).map(() => 'video=v2'),
    );
  });

  it('keeps keys apart', async () => {
    const { table, clock, reads } = hotTable();
    for (let index = 0; index < 100; index++) {
      await reads('hot');
      clock.now += 5;
    }
    const before = table.reads;
    expect(await reads('cold')).toBe('cold=v1');
    expect(await reads('cold')).toBe('cold=v1');
    expect(table.reads - before).toBe(2);
  });

  it('lets a hot key’s reads share the table read that is running, and does not keep a failed one', async () => {
    const { table, clock, reads } = hotTable();
    /** Reads every 10 ms, as a hot key's taps come, up to just before `until`. */
    const readUntil = async (until: number) => {
      for (; clock.now < until; clock.now += 10) await reads('video');
    };
    await readUntil(HOT_READ_MAX_AGE_MS + 180); // hot since 190 ms, last read from the table at 180 ms
    const before = table.reads;
    // 1,180 ms: the latest table read is HOT_READ_MAX_AGE_MS old; ten reads at once share one new one.
    const together = await Promise.all(Array.from({ length: 10 }, () => reads('video')));
    expect(together).toEqual(together.map(() => 'video=v1'));
    expect(table.reads - before).toBe(1);

    await readUntil(2 * HOT_READ_MAX_AGE_MS + 180);
    expect(table.reads - before).toBe(1);
    table.failing = new Error('the connection reset');
    await expect(reads('video')).rejects.toThrow('the connection reset');
    delete table.failing;
    table.value = 'v2';
    clock.now += 10;
    expect(await reads('video')).toBe('video=v2');
    expect(table.reads - before).toBe(3);
  });

  it('keeps a key hot for THROTTLED_HOT_MS after the table refused a read of it for throughput', async () => {
    const { table, clock, reads } = hotTable();
    /** Reads 5 times a second, as one of many environments sees a video tapped thousands of times a second. */
    const readFor = async (ms: number) => {
      const until = clock.now + ms;
      for (; clock.now < until; clock.now += 200) await reads('video');
    };
    await readFor(2_000);
    expect(table.reads).toBe(10); // below the hot rate: every read goes to the table

    table.failing = throttled();
    await expect(reads('video')).rejects.toThrow('Throughput exceeds');
    delete table.failing;
    clock.now += 200;
    const before = table.reads;
    await readFor(THROTTLED_HOT_MS - 400);
    // The read of 1,800 ms, answered before the refusal, serves until 2,800 ms; then one table read each
    // HOT_READ_MAX_AGE_MS (2,800 … 10,800 ms) instead of 5 a second.
    expect(table.reads - before).toBe(Math.floor((THROTTLED_HOT_MS - 1_200) / HOT_READ_MAX_AGE_MS) + 1);

    clock.now += 400; // THROTTLED_HOT_MS after the refusal: read every time again
    const after = table.reads;
    await readFor(1_000);
    expect(table.reads - after).toBe(5);
  });
});

describe('a viral video’s taps through the links function', () => {
  const dynamo = useDynalite();
  const account = {
    platform: 'tiktok',
    accountId: 'acct-viral',
    profileId: 'prof-viral',
    portfolioUrl: 'https://contra.com/viral',
  } as const;
  const video = { platform: account.platform, accountId: account.accountId, videoId: 'v-viral' };
  let links: LinkContext;
  let handle: ReturnType<typeof createLinksApiHandler>;
  let proxy: FaultProxy;
  let now = 0;
  let calls: string[] = [];

  const tap = (videoId = video.videoId) => tapThrough(handle, videoId, 'portfolio');

  beforeAll(async () => {
    const tableName = await dynamo.createTable('hot-reads');
    // Between the function and the table, as in the cloud: DynamoDB's refusals come from there on demand.
    proxy = await FaultProxy.start({ target: dynamo.endpoint });
    ({ links, calls } = await tapLinkContext(proxy.url, tableName, account, [video.videoId, 'v-busy']));
    handle = createLinksApiHandler(
      links,
      new RecordingFunnelLog(),
      hotLinkReads(links, () => now),
    );
  });

  it('reads each item about once a second, and stops redirecting within a second of the removal', async () => {
    // 300 taps at 200 a second (one every 5 ms of the environment's clock): 1.5 s.
    calls.length = 0;
    for (let index = 0; index < 300; index++) {
      expect(await tap()).toEqual({ status: 302, location: 'https://contra.com/viral' });
      now += 5;
    }
    const queries = calls.filter((call) => call === 'QueryCommand').length;
    const accountReads = calls.filter((call) => call === 'BatchGetItemCommand').length;
    // HOT_READS_PER_SECOND − 1 before the video is hot here, then one at each HOT_READ_MAX_AGE_MS.
    expect(queries).toBe(HOT_READS_PER_SECOND);
    expect(accountReads).toBe(HOT_READS_PER_SECOND);

    await applyLinkEvent(links, 'Video Removed', {
      ...video,
      reason: 'moderation',
      removedAt: '2026-05-02T00:00:00Z',
    });
    const removedAt = now;
    const answers: { at: number; status: number }[] = [];
    while (now <= removedAt + HOT_READ_MAX_AGE_MS) {
      answers.push({ at: now, status: (await tap()).status });
      now += 5;
    }
    expect(answers.at(-1)).toEqual({ at: expect.any(Number), status: 404 });
    // Once 404, it stays 404: the removal is never undone by an older read.
    const first404 = answers.findIndex(({ status }) => status === 404);
    expect(answers.slice(first404).every(({ status }) => status === 404)).toBe(true);
    expect(answers[first404]?.at).toBeLessThanOrEqual(removedAt + HOT_READ_MAX_AGE_MS);
  });

  it('reads a video read a few times a second about once a second after DynamoDB throttled a read of it', async () => {
    now += 5_000;
    const queries = () => calls.filter((call) => call === 'QueryCommand').length;
    calls.length = 0;
    for (let index = 0; index < 5; index++, now += 200) expect((await tap('v-busy')).status).toBe(302);
    expect(queries()).toBe(5); // 5 a second: below the hot rate, every tap reads the table

    proxy.setRates({ ProvisionedThroughputExceededException: 1 });
    // After the SDK's own retries the invocation fails: API Gateway answers it 500.
    await expect(tap('v-busy').finally(() => proxy.setRates({}))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    now += 200;

    calls.length = 0;
    for (let index = 0; index < 15; index++, now += 200) expect((await tap('v-busy')).status).toBe(302);
    // 3 s at 5 taps a second: the partition read at 0, 1 and 2 s, not 15 times.
    expect(queries()).toBe(3);
  });

  afterAll(async () => {
    await proxy?.close();
  });
});
