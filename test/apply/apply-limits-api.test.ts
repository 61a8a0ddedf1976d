import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpResponse } from '#shared/http.ts';
import { applicantPartition, applicationKey, applySlotsKey } from '#shared/item-keys.ts';
import { viewerToken } from '../../local/testing/viewer-tokens.ts';
import { TestClock } from '../support/applications-world.ts';
import { putJob, putProfile, uniqueId } from '../support/entities.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite } from '../support/shared-resource.ts';
import { applicationsApiOver } from './applications-api.ts';
import { applyRequest } from './http-request.ts';

/** CONTRACT §7 apply limits, against the handler over dynalite: exact under concurrency, crashes, races. */

const SECRET = 'apply-limits-test-secret';
const dynamo = useDynalite();
let tableName: string;

beforeAll(async () => {
  tableName = await dynamo.createTable('limits');
});

const api = (clock = new TestClock()) => {
  const publisher = new RecordingPublisher();
  const handle = applicationsApiOver(dynamo, tableName, {
    secret: SECRET,
    publisher,
    now: clock.now,
    newApplicationId: () => `app_${randomUUID()}`,
  });
  return { handle, publisher, clock };
};

/** A live profile with its token and `jobs` open jobs to apply to. */
const viewerWithJobs = async (jobs: number) => {
  const profileId = uniqueId('prof');
  await putProfile(dynamo.documents, tableName, { profileId });
  const jobIds = Array.from({ length: jobs }, () => uniqueId('job'));
  await Promise.all(jobIds.map((jobId) => putJob(dynamo.documents, tableName, { jobId })));
  return { profileId, jobIds, token: await viewerToken(SECRET, profileId) };
};

const statuses = (responses: readonly HttpResponse[]) =>
  responses.map((response) => response.statusCode ?? 0).sort((a, b) => a - b);

const applicationsOf = async (profileId: string) =>
  (
    await dynamo.documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': applicantPartition(profileId) },
      }),
    )
  ).Items ?? [];

const storedApplication = async (jobId: string, profileId: string) =>
  (
    await dynamo.documents.send(
      new GetCommand({ TableName: tableName, Key: applicationKey(jobId, profileId) }),
    )
  ).Item;

/** Runs `intercept` instead of the next DynamoDB call that `matches` (by command name and input), once. */
const interceptOnce = (
  matches: (command: string, input: Record<string, unknown>) => boolean,
  intercept: (send: () => Promise<unknown>) => Promise<unknown>,
) => {
  let left = 1;
  const name = `intercept-${uniqueId('m')}`;
  dynamo.documents.middlewareStack.add(
    (next, context) => async (args) => {
      if (left > 0 && matches(context.commandName ?? '', args.input as Record<string, unknown>)) {
        left--;
        return (await intercept(() => next(args))) as Awaited<ReturnType<typeof next>>;
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { restore: () => dynamo.documents.middlewareStack.remove(name) };
};

const putOn = (prefix: string) => (command: string, input: Record<string, unknown>) =>
  command === 'PutItemCommand' &&
  String((input.Item as Record<string, unknown> | undefined)?.pk ?? '').startsWith(prefix);

const crash = async (): Promise<never> => {
  throw new Error('crashed (simulated)');
};

type Handle = ReturnType<typeof api>['handle'];

/** Applies to `jobId` while the put of the item whose key starts with `prefix` crashes: the applicant sees a 503. */
const expectCrashedApply = async (handle: Handle, prefix: string, jobId: string, token: string) => {
  const crashing = interceptOnce(putOn(prefix), crash);
  try {
    expect((await handle(applyRequest(jobId, token))).statusCode).toBe(503);
  } finally {
    crashing.restore();
  }
};

/** Applies to each job one after the other, so the slot count decides each answer. */
const applyInTurn = async (handle: Handle, jobIds: readonly string[], token: string) => {
  const responses: HttpResponse[] = [];
  for (const jobId of jobIds) responses.push(await handle(applyRequest(jobId, token)));
  return responses;
};

describe('apply limits (CONTRACT §7)', () => {
  it('25 simultaneous new applications from one profile: exactly 20 accepted, 5 refused with 429 and nothing written', async () => {
    const { profileId, jobIds, token } = await viewerWithJobs(25);
    const { handle, publisher } = api();
    const responses = await Promise.all(jobIds.map((jobId) => handle(applyRequest(jobId, token))));

    expect(statuses(responses)).toEqual([...Array(20).fill(201), ...Array(5).fill(429)]);
    for (const refused of responses.filter((response) => response.statusCode === 429)) {
      expect(refused.headers?.['content-type']).toBe('application/problem+json');
      expect(refused.headers?.['retry-after']).toBe('3600');
      expect(JSON.parse(String(refused.body))).toMatchObject({ status: 429, title: 'Too Many Requests' });
    }
    expect(await applicationsOf(profileId)).toHaveLength(20);
    const refusedJobs = jobIds.filter((_, index) => responses[index]?.statusCode === 429);
    for (const jobId of refusedJobs) expect(await storedApplication(jobId, profileId)).toBeUndefined();
    expect(publisher.ofType('Application Submitted')).toHaveLength(20);
  });

  it('Retry-After is the time until a slot frees; a repeat of an existing application is not counted and still 200', async () => {
    const { jobIds, token } = await viewerWithJobs(32);
    const { handle, clock } = api();
    const applyAll = async (jobs: readonly string[]) => statuses(await applyInTurn(handle, jobs, token));
    expect(await applyAll(jobIds.slice(0, 10))).toEqual(Array(10).fill(201));
    clock.advance(10 * 60_000);
    expect(await applyAll(jobIds.slice(10, 20))).toEqual(Array(10).fill(201));
    clock.advance(15 * 60_000);
    const over = await handle(applyRequest(jobIds[20] ?? '', token));
    expect(over.statusCode).toBe(429);
    expect(over.headers?.['retry-after']).toBe(String(35 * 60));
    expect((await handle(applyRequest(jobIds[0] ?? '', token))).statusCode).toBe(200);
    // A rolling hour: the first ten free at 60 minutes, the next ten only at 70.
    clock.advance(35 * 60_000);
    expect(await applyAll(jobIds.slice(20, 31))).toEqual([...Array(10).fill(201), 429]);
    expect((await handle(applyRequest(jobIds[31] ?? '', token))).headers?.['retry-after']).toBe(
      String(10 * 60),
    );
  });

  it('100 in a rolling day: the 101st waits for the first to be a day old', async () => {
    const { jobIds, token } = await viewerWithJobs(102);
    const { handle, clock } = api();
    for (let hour = 0; hour < 5; hour++) {
      for (const jobId of jobIds.slice(hour * 20, hour * 20 + 20))
        expect((await handle(applyRequest(jobId, token))).statusCode).toBe(201);
      clock.advance(3600_000);
    }
    const over = await handle(applyRequest(jobIds[100] ?? '', token));
    expect(over.statusCode).toBe(429);
    expect(over.headers?.['retry-after']).toBe(String(19 * 3600));
    clock.advance(19 * 3600_000 - 1000);
    expect((await handle(applyRequest(jobIds[100] ?? '', token))).headers?.['retry-after']).toBe('1');
    clock.advance(1000);
    expect((await handle(applyRequest(jobIds[100] ?? '', token))).statusCode).toBe(201);
    expect((await handle(applyRequest(jobIds[101] ?? '', token))).statusCode).toBe(201);
  });

  it('a crash after the slot is written and before the application costs one slot, never grants one', async () => {
    const { profileId, jobIds, token } = await viewerWithJobs(21);
    const { handle } = api();
    await expectCrashedApply(handle, 'APPLICATION_ID#', jobIds[0] ?? '', token);
    expect(await storedApplication(jobIds[0] ?? '', profileId)).toBeUndefined();
    const rest = await applyInTurn(handle, jobIds.slice(1), token);
    expect(statuses(rest)).toEqual([...Array(19).fill(201), 429]);
  });

  it('a crash before the slot is written costs nothing', async () => {
    const { jobIds, token } = await viewerWithJobs(21);
    const { handle } = api();
    await expectCrashedApply(handle, 'APPLY_SLOTS#', jobIds[0] ?? '', token);
    const rest = await applyInTurn(handle, jobIds.slice(0, 21), token);
    expect(statuses(rest)).toEqual([...Array(20).fill(201), 429]);
  });

  it('the loser of a duplicate-application race gives its slot back', async () => {
    const { profileId, jobIds, token } = await viewerWithJobs(21);
    const { handle } = api();
    const [raced, ...others] = jobIds;
    let winner: HttpResponse | undefined;
    // Both requests took a slot; the other one writes its application first.
    const racing = interceptOnce(putOn('APPLICATION#'), async (send) => {
      winner = await handle(applyRequest(raced ?? '', token));
      return send();
    });
    let loser: HttpResponse;
    try {
      loser = await handle(applyRequest(raced ?? '', token));
    } finally {
      racing.restore();
    }
    expect([winner?.statusCode, loser.statusCode]).toEqual([201, 200]);
    expect(JSON.parse(String(loser.body)).applicationId).toBe(JSON.parse(String(winner?.body)).applicationId);
    const slots = await dynamo.documents.send(
      new GetCommand({ TableName: tableName, Key: applySlotsKey(profileId) }),
    );
    expect(String(slots.Item?.slots).split(' ')).toHaveLength(1);
    const rest = await applyInTurn(handle, others, token);
    expect(statuses(rest)).toEqual([...Array(19).fill(201), 429]);
  });

  it('a full day of slots is still one write unit', async () => {
    const { jobIds, token } = await viewerWithJobs(100);
    const { handle, clock } = api();
    const units: number[] = [];
    const measuring = `units-${uniqueId('m')}`;
    dynamo.documents.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        if (!putOn('APPLY_SLOTS#')(context.commandName ?? '', input)) return next(args);
        input.ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        const output = result.output as { ConsumedCapacity?: { CapacityUnits?: number } };
        units.push(output.ConsumedCapacity?.CapacityUnits ?? Number.NaN);
        return result;
      },
      { step: 'initialize', name: measuring },
    );
    try {
      for (const [index, jobId] of jobIds.entries()) {
        expect((await handle(applyRequest(jobId, token))).statusCode).toBe(201);
        if (index % 20 === 19) clock.advance(3600_000);
      }
    } finally {
      dynamo.documents.middlewareStack.remove(measuring);
    }
    expect(units).toHaveLength(100);
    expect(Math.max(...units)).toBe(1);
  });
});
