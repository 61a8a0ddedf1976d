import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaFunnelReader } from '#funnel/athena-funnel-reader.ts';
import { creatorFunnelStart } from '#funnel/creator-funnel-start.ts';
import { DynamoFunnelRollups } from '#funnel/dynamo-funnel-rollups.ts';
import type { FunnelRecord } from '#funnel/funnel-record.ts';
import { creatorRollupKey, finalTapHour, jobRollupKey } from '#funnel/funnel-rollup.ts';
import {
  applyTapRecord,
  type FunnelLogFiles,
  funnelLogFiles,
  portfolioTapRecord,
} from '../../local/testing/funnel-log-files.ts';
import { localDocumentClient } from '../../local/testing/local-clients.ts';
import { useDynalite } from '../support/shared-resource.ts';

/**
 * A creator's portfolio taps read through the creator's rollup (functions/commons/funnel/funnel-rollup.ts): the
 * real queries over JSON-lines objects laid out as Firehose delivers them (`dt=`/`hour=` arrival partitions), in
 * the local Athena (DuckDB), and the rollup items in dynalite. Counts must be exact across the final hour's
 * boundary, whatever arrived twice or a day late, with the old hours no longer read once rolled up.
 */

/**
 * 2026-11-20 12:00 UTC: by the clock alone the final tap hour is 2026-11-19 10:00–11:00 (it ended 25 h ago), the
 * boundary 2026-11-19T11:00.
 */
const NOON_20TH = Date.parse('2026-11-20T12:00:00.000Z');
const DAY_MS = 86_400_000;

describe("a creator's funnel rolled up by its reads", () => {
  const dynamo = useDynalite();
  let tableName: string;
  let log: FunnelLogFiles;

  beforeAll(async () => {
    tableName = await dynamo.createTable('rollups');
    log = await funnelLogFiles();
  });
  afterAll(async () => {
    await log?.close();
  });
  const deliver = (dt: string, records: readonly FunnelRecord[], hour?: string) =>
    log.deliver(dt, records, hour);
  const forget = (dt: string, hour?: string) => log.forget(dt, hour);

  const tap = portfolioTapRecord;

  const readerAt = (
    now: () => number,
    maxVideos?: number,
    documents = localDocumentClient(dynamo.endpoint),
    deliveredThrough?: number,
  ) => {
    const rollups = new DynamoFunnelRollups(documents, tableName);
    return {
      rollups,
      reader: new AthenaFunnelReader(log.query, log.table, rollups, {
        now,
        ...(maxVideos === undefined ? {} : { maxEntries: maxVideos }),
        ...(deliveredThrough === undefined ? {} : { deliveredThrough: async () => deliveredThrough }),
      }),
    };
  };

  it("knows which tap hour is final: by the clock 25 h after it ended, by Firehose's report 30 s after it", () => {
    expect(finalTapHour(NOON_20TH)).toBe('2026-11-19T10');
    expect(finalTapHour(Date.parse('2026-11-20T12:59:59.999Z'))).toBe('2026-11-19T10');
    expect(finalTapHour(Date.parse('2026-11-20T13:00:00.000Z'))).toBe('2026-11-19T11');
    // Delivered through 11:00:30: a record of 10:59:59.999 entered Firehose by 11:00:29.999, so it is in S3.
    expect(finalTapHour(NOON_20TH, Date.parse('2026-11-20T11:00:30.000Z'))).toBe('2026-11-20T10');
    expect(finalTapHour(NOON_20TH, Date.parse('2026-11-20T11:00:29.999Z'))).toBe('2026-11-20T09');
    // A report older than the clock's bound changes nothing.
    expect(finalTapHour(NOON_20TH, Date.parse('2026-11-01T00:00:00.000Z'))).toBe('2026-11-19T10');
  });

  it('counts exactly across the final hour, then answers the rolled-up hours without reading them again', async () => {
    const profileId = `prof_${randomUUID()}`;
    const early = [1, 2, 3].map(() => tap(profileId, 'v-early', '2026-11-10T08:00:00.000Z'));
    const lastSettled = tap(profileId, 'v-edge', '2026-11-19T10:59:59.999Z');
    const firstRecent = tap(profileId, 'v-edge', '2026-11-19T11:00:00.000Z');
    await deliver('2026-11-10', early);
    // At least once: an object delivered again the next day, and the edge taps' duplicates an hour and a day late.
    await deliver('2026-11-11', [early[0]!]);
    await deliver('2026-11-19', [lastSettled], '10');
    await deliver('2026-11-19', [lastSettled, firstRecent], '11');
    await deliver('2026-11-20', [firstRecent], '09');
    // Not this creator's, or not a portfolio tap.
    await deliver('2026-11-10', [tap(`prof_${randomUUID()}`, 'v-early', '2026-11-10T09:00:00.000Z')]);
    await deliver('2026-11-10', [
      {
        kind: 'applyTap',
        id: `req_${randomUUID()}`,
        at: '2026-11-10T09:00:00.000Z',
        platform: 'tiktok',
        videoId: 'v-early',
        jobId: 'job_1',
      },
    ]);

    const { reader, rollups } = readerAt(() => NOON_20TH);
    const expected = [
      { platform: 'tiktok', videoId: 'v-early', count: 3 },
      { platform: 'tiktok', videoId: 'v-edge', count: 2 },
    ];
    expect(await reader.portfolioTaps(profileId)).toEqual(expected);
    expect(await rollups.get(creatorRollupKey(profileId))).toEqual({
      rolledThrough: '2026-11-19T10',
      counts: { 'tiktok:v-early': 3, 'tiktok:v-edge': 1 },
      ids: {},
    });

    // The hours through the final one are now the item's: the log's objects of those hours are not read again
    // (forgotten here, the counts stay), and the edge tap's late duplicate (arrived at 11:00) is not counted twice.
    for (const dt of ['2026-11-10', '2026-11-11']) await forget(dt);
    await forget('2026-11-19', '10');
    expect(await reader.portfolioTaps(profileId)).toEqual(expected);
  });

  it('moves the rollup forward, adding only the hours that became final', async () => {
    const profileId = `prof_${randomUUID()}`;
    await deliver('2026-11-17', [tap(profileId, 'v1', '2026-11-17T10:00:00.000Z')]);
    await deliver('2026-11-19', [
      tap(profileId, 'v1', '2026-11-19T12:00:00.000Z'),
      tap(profileId, 'v2', '2026-11-19T13:00:00.000Z', 'youtube'),
    ]);
    let now = NOON_20TH;
    const { reader, rollups } = readerAt(() => now);
    const counts = [
      { platform: 'tiktok', videoId: 'v1', count: 2 },
      { platform: 'youtube', videoId: 'v2', count: 1 },
    ];
    expect(await reader.portfolioTaps(profileId)).toEqual(counts);
    expect((await rollups.get(creatorRollupKey(profileId)))?.counts).toEqual({ 'tiktok:v1': 1 });

    now += DAY_MS;
    await deliver('2026-11-21', [tap(profileId, 'v2', '2026-11-21T09:00:00.000Z', 'youtube')]);
    expect(await reader.portfolioTaps(profileId)).toEqual([
      { platform: 'tiktok', videoId: 'v1', count: 2 },
      { platform: 'youtube', videoId: 'v2', count: 2 },
    ]);
    expect(await rollups.get(creatorRollupKey(profileId))).toEqual({
      rolledThrough: '2026-11-20T10',
      counts: { 'tiktok:v1': 2, 'youtube:v2': 1 },
      ids: {},
    });

    // A reader whose clock is a day behind neither moves the rollup back nor miscounts.
    const { reader: behind } = readerAt(() => NOON_20TH);
    expect(await behind.portfolioTaps(profileId)).toEqual([
      { platform: 'tiktok', videoId: 'v1', count: 2 },
      { platform: 'youtube', videoId: 'v2', count: 2 },
    ]);
    expect((await rollups.get(creatorRollupKey(profileId)))?.rolledThrough).toBe('2026-11-20T10');
  });

  it('two first reads at once: both answers exact, the rollup written once and not added twice', async () => {
    const profileId = `prof_${randomUUID()}`;
    await deliver(
      '2026-11-12',
      [1, 2, 3, 4].map(() => tap(profileId, 'v1', '2026-11-12T10:00:00.000Z')),
    );
    const expected = [{ platform: 'tiktok', videoId: 'v1', count: 4 }];
    const puts: string[] = [];
    const documents = localDocumentClient(dynamo.endpoint);
    documents.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args).catch((error: unknown) => {
          puts.push(`${context.commandName} ${error instanceof Error ? error.name : 'failed'}`);
          throw error;
        });
        if (context.commandName === 'PutItemCommand') puts.push('PutItemCommand ok');
        return result;
      },
      { step: 'initialize', name: 'recordPuts' },
    );
    const first = readerAt(() => NOON_20TH, undefined, documents).reader;
    const second = readerAt(() => NOON_20TH, undefined, documents).reader;
    expect(await Promise.all([first.portfolioTaps(profileId), second.portfolioTaps(profileId)])).toEqual([
      expected,
      expected,
    ]);
    // Both read no item and tried to create it: one did, the other's condition refused it.
    expect(puts.sort()).toEqual(['PutItemCommand ConditionalCheckFailedException', 'PutItemCommand ok']);
    const { rollups, reader } = readerAt(() => NOON_20TH);
    expect(await rollups.get(creatorRollupKey(profileId))).toEqual({
      rolledThrough: '2026-11-19T10',
      counts: { 'tiktok:v1': 4 },
      ids: {},
    });
    expect(await reader.portfolioTaps(profileId)).toEqual(expected);
  });

  it('keeps answering when the rollup cannot be read or written: throttled, or more videos than an item holds', async () => {
    const profileId = `prof_${randomUUID()}`;
    await deliver(
      '2026-11-13',
      ['a', 'b', 'c'].map((video) => tap(profileId, video, '2026-11-13T10:00:00.000Z')),
    );
    const expected = ['a', 'b', 'c'].map((videoId) => ({ platform: 'tiktok', videoId, count: 1 }));

    /** A client on which DynamoDB refuses `command` for throughput, the SDK's retries spent. */
    const throttling = (command: 'GetItemCommand' | 'PutItemCommand') => {
      const documents = localDocumentClient(dynamo.endpoint, { maxAttempts: 1 });
      documents.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === command) {
            const error = new Error('Rate of requests exceeds the allowed throughput.');
            error.name = 'ThrottlingException';
            throw error;
          }
          return next(args);
        },
        { step: 'initialize', name: 'throttleRollups' },
      );
      return documents;
    };
    for (const command of ['GetItemCommand', 'PutItemCommand'] as const) {
      const { reader } = readerAt(() => NOON_20TH, undefined, throttling(command));
      expect(await reader.portfolioTaps(profileId), command).toEqual(expected);
      expect(
        await readerAt(() => NOON_20TH).rollups.get(creatorRollupKey(profileId)),
        command,
      ).toBeUndefined();
    }

    const small = readerAt(() => NOON_20TH, 2);
    expect(await small.reader.portfolioTaps(profileId)).toEqual(expected);
    expect(await small.rollups.get(creatorRollupKey(profileId))).toBeUndefined();

    // With room for three, the next read keeps them.
    const roomy = readerAt(() => NOON_20TH, 3);
    expect(await roomy.reader.portfolioTaps(profileId)).toEqual(expected);
    expect((await roomy.rollups.get(creatorRollupKey(profileId)))?.counts).toEqual({
      'tiktok:a': 1,
      'tiktok:b': 1,
      'tiktok:c': 1,
    });
  });

  /** A job's step record (a page view, an application, a hire), with or without the video of its `via`. */
  const step = (
    kind: 'applyPageView' | 'application' | 'hired',
    jobId: string,
    at: string,
    { id = `req_${randomUUID()}`, videoId }: { id?: string; videoId?: string } = {},
  ): FunnelRecord => ({
    kind,
    id,
    at,
    jobId,
    platform: videoId === undefined ? null : 'tiktok',
    videoId: videoId ?? null,
  });
  const applyTap = applyTapRecord;

  it("a job's funnel: taps and page views add up per hour, an application or a hire written again later counts once", async () => {
    const jobId = `job_${randomUUID()}`;
    const published = new Date('2026-11-08T09:00:00.000Z');
    // Before the job's publication nothing of it counts: a record there is not read (the floor), nor one of the
    // publication's own hour before it.
    await deliver('2026-11-07', [applyTap(jobId, 'v1', '2026-11-07T10:00:00.000Z')]);
    await deliver('2026-11-08', [applyTap(jobId, 'v1', '2026-11-08T08:59:59.000Z')], '09');
    const tapped = applyTap(jobId, 'v1', '2026-11-09T10:00:00.000Z');
    await deliver('2026-11-09', [
      tapped,
      applyTap(jobId, 'v1', '2026-11-09T11:00:00.000Z'),
      step('applyPageView', jobId, '2026-11-09T10:00:01.000Z', { videoId: 'v1' }),
      step('applyPageView', jobId, '2026-11-09T10:05:00.000Z'),
      step('application', jobId, '2026-11-09T10:10:00.000Z', { id: 'app_1', videoId: 'v1' }),
    ]);
    await deliver('2026-11-10', [tapped]);
    // The same application written again two days later (a retried request), then hired on the edge of the final
    // hour, and hired again after it (a status set back and forth): each counts once.
    await deliver('2026-11-11', [
      step('application', jobId, '2026-11-11T08:00:00.000Z', { id: 'app_1', videoId: 'v1' }),
    ]);
    await deliver(
      '2026-11-19',
      [step('hired', jobId, '2026-11-19T10:59:59.999Z', { id: 'app_1', videoId: 'v1' })],
      '10',
    );
    await deliver(
      '2026-11-19',
      [
        step('hired', jobId, '2026-11-19T11:00:00.000Z', { id: 'app_1', videoId: 'v1' }),
        step('application', jobId, '2026-11-19T11:30:00.000Z', { id: 'app_2' }),
      ],
      '11',
    );
    const expected = {
      jobId,
      videos: [
        { platform: 'tiktok', videoId: 'v1', applyTaps: 2, applyPageViews: 1, applications: 1, hired: 1 },
      ],
      totals: { applyTaps: 2, applyPageViews: 2, applications: 2, hired: 1 },
    };
    const { reader, rollups } = readerAt(() => NOON_20TH);
    expect(await reader.jobFunnel(jobId, published)).toEqual(expected);
    expect(await rollups.get(jobRollupKey(jobId, published))).toEqual({
      rolledThrough: '2026-11-19T10',
      counts: { 'applyTap tiktok:v1': 2, 'applyPageView tiktok:v1': 1, 'applyPageView -': 1 },
      ids: { 'application tiktok:v1': ['app_1'], 'hired tiktok:v1': ['app_1'] },
    });
    // The rolled-up hours are not read again; the recent hire of app_1 is the one in the item.
    for (const dt of ['2026-11-09', '2026-11-10', '2026-11-11']) await forget(dt);
    await forget('2026-11-19', '10');
    expect(await reader.jobFunnel(jobId, published)).toEqual(expected);

    // Published again at 11:15 on the 19th: its funnel counts since then (the later application), not what the
    // first publication's tally holds.
    expect(await reader.jobFunnel(jobId, new Date('2026-11-19T11:15:00.000Z'))).toEqual({
      jobId,
      videos: [],
      totals: { applyTaps: 0, applyPageViews: 0, applications: 1, hired: 0 },
    });
  });

  it("a creator's first read starts where its funnel started (its first listing), not at the log's beginning", async () => {
    const profileId = `prof_${randomUUID()}`;
    const { reader, rollups } = readerAt(() => NOON_20TH);
    // Listed first on 2026-11-16 at 00:30: the floor leaves an hour for the clocks, so 23:00 on the 15th is counted.
    await creatorFunnelStart(rollups).firstListed(profileId, new Date('2026-11-16T00:30:00.000Z'));
    expect(await rollups.get(creatorRollupKey(profileId))).toEqual({
      rolledThrough: '2026-11-15T22',
      counts: {},
      ids: {},
    });
    // Nothing of this profile can arrive before the floor. Planted there (with an `at` after it, which no real
    // record has), they show the read never opens those hours: the day before, and the hour before on the same day.
    await deliver('2026-11-14', [tap(profileId, 'v1', '2026-11-16T05:00:00.000Z')]);
    await deliver('2026-11-15', [tap(profileId, 'v1', '2026-11-16T05:00:00.000Z')], '22');
    await deliver('2026-11-15', [tap(profileId, 'v1', '2026-11-15T23:45:00.000Z')], '23');
    await deliver('2026-11-16', [tap(profileId, 'v1', '2026-11-16T10:00:00.000Z')]);
    await deliver('2026-11-19', [tap(profileId, 'v1', '2026-11-19T10:00:00.000Z')]);
    expect(await reader.portfolioTaps(profileId)).toEqual([{ platform: 'tiktok', videoId: 'v1', count: 3 }]);
    expect(await rollups.get(creatorRollupKey(profileId))).toEqual({
      rolledThrough: '2026-11-19T10',
      counts: { 'tiktok:v1': 3 },
      ids: {},
    });
    // A second first listing (a redelivery, a profile listed again) keeps the first floor and the tally.
    await creatorFunnelStart(rollups).firstListed(profileId, new Date('2026-11-20T10:00:00.000Z'));
    expect((await rollups.get(creatorRollupKey(profileId)))?.rolledThrough).toBe('2026-11-19T10');
  });
  it("with Firehose's report of its delivery, a viral hour is final minutes after it ended: the read opens the hours since", async () => {
    const profileId = `prof_${randomUUID()}`;
    // 2026-11-20 11:05: Firehose reports every record that entered before 11:04 delivered.
    const now = Date.parse('2026-11-20T11:05:00.000Z');
    const delivered = Date.parse('2026-11-20T11:04:00.000Z');
    const lastHour = [1, 2, 3].map(() => tap(profileId, 'viral', '2026-11-20T10:30:00.000Z'));
    const thisHour = tap(profileId, 'viral', '2026-11-20T11:02:00.000Z');
    await deliver('2026-11-19', [tap(profileId, 'viral', '2026-11-19T08:00:00.000Z')], '08');
    await deliver('2026-11-20', lastHour, '10');
    // The last hour's first tap put again and delivered in this hour, beside this hour's own tap.
    await deliver('2026-11-20', [lastHour[0]!, thisHour], '11');

    const { reader, rollups } = readerAt(() => now, undefined, undefined, delivered);
    const expected = [{ platform: 'tiktok', videoId: 'viral', count: 5 }];
    expect(await reader.portfolioTaps(profileId)).toEqual(expected);
    expect(await rollups.get(creatorRollupKey(profileId))).toEqual({
      rolledThrough: '2026-11-20T10',
      counts: { 'tiktok:viral': 4 },
      ids: {},
    });
    // Everything through 10:00–11:00 is the item's: only the hour since is opened (the others forgotten here).
    await forget('2026-11-19');
    await forget('2026-11-20', '10');
    expect(await reader.portfolioTaps(profileId)).toEqual(expected);
    // Without the report (CloudWatch unreachable, a stream idle), a read by the clock alone keeps the item.
    const { reader: unreported } = readerAt(() => now);
    expect(await unreported.portfolioTaps(profileId)).toEqual(expected);
    expect((await rollups.get(creatorRollupKey(profileId)))?.rolledThrough).toBe('2026-11-20T10');
  });

  it('reads an item rolled up by day, as written before hours, as through the end of that day', async () => {
    const profileId = `prof_${randomUUID()}`;
    const { reader, rollups } = readerAt(() => NOON_20TH);
    await rollups.advance(creatorRollupKey(profileId), undefined, {
      rolledThrough: '2026-11-17',
      counts: { 'tiktok:v1': 7 },
      ids: {},
    });
    await deliver('2026-11-17', [tap(profileId, 'v1', '2026-11-17T23:00:00.000Z')]);
    await deliver('2026-11-18', [tap(profileId, 'v1', '2026-11-18T00:00:00.000Z')], '00');
    expect(await reader.portfolioTaps(profileId)).toEqual([{ platform: 'tiktok', videoId: 'v1', count: 8 }]);
    expect(await rollups.get(creatorRollupKey(profileId))).toEqual({
      rolledThrough: '2026-11-19T10',
      counts: { 'tiktok:v1': 8 },
      ids: {},
    });
  });
});
