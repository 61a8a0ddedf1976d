import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequest, HttpResponse } from '#shared/http.ts';
import { applicationKey, jobKey, profileKey } from '#shared/item-keys.ts';
import { unsignedToken, validClaims, viewerToken } from '../../local/testing/viewer-tokens.ts';
import { takenAt } from '../support/aws-inputs.ts';
import { putJob, putProfile, uniqueId } from '../support/entities.ts';
import { RecordingFunnelLog } from '../support/recording-funnel-log.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { useDynalite } from '../support/shared-resource.ts';
import { applicationsApiOver } from './applications-api.ts';
import { applyRequest } from './http-request.ts';

const SECRET = 'applications-test-secret';
const SUBMITTED = 'Application Submitted';

const dynamo = useDynalite();
let tableName: string;

beforeAll(async () => {
  tableName = await dynamo.createTable('apply');
});

/** The API over a real table, a recording bus and a clock the test can set. */
const api = (now = () => new Date()) => {
  const publisher = new RecordingPublisher();
  const handle = applicationsApiOver(dynamo, tableName, {
    secret: SECRET,
    publisher,
    now,
    newApplicationId: () => `app_${randomUUID()}`,
  });
  return { handle, publisher };
};

/** A published job and a live profile, with a token for that profile. */
const openJobAndViewer = async (job: Parameters<typeof putJob>[2] | object = {}) => {
  const jobId = uniqueId('job');
  const profileId = uniqueId('prof');
  await putJob(dynamo.documents, tableName, { jobId, ...job });
  await putProfile(dynamo.documents, tableName, { profileId });
  return { jobId, profileId, token: await viewerToken(SECRET, profileId) };
};

const bodyOf = (response: HttpResponse): Record<string, unknown> => JSON.parse(String(response.body));

const expectProblem = (response: HttpResponse, status: number) => {
  expect(response.statusCode).toBe(status);
  expect(response.headers?.['content-type']).toBe('application/problem+json');
  expect(bodyOf(response)).toEqual({
    type: 'about:blank',
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
};

describe('POST /jobs/{jobId}/applications', () => {
  it('creates an application (201) and publishes Application Submitted with the video it came from', async () => {
    const { jobId, profileId, token } = await openJobAndViewer();
    const { handle, publisher } = api();
    const response = await handle(
      applyRequest(
        jobId,
        token,
        JSON.stringify({ via: { platform: 'tiktok', videoId: '7399990000000000001' } }),
      ),
    );

    expect(response.statusCode).toBe(201);
    expect(response.headers?.['content-type']).toBe('application/json');
    const body = bodyOf(response);
    expect(body).toEqual({ applicationId: expect.stringMatching(/^app_/), jobId, status: 'submitted' });
    expect(publisher.events).toEqual([
      {
        origin: 'api',
        detailType: SUBMITTED,
        detail: {
          applicationId: body.applicationId,
          jobId,
          profileId,
          submittedAt: expect.any(String),
          via: { platform: 'tiktok', videoId: '7399990000000000001' },
        },
        time: expect.any(Date),
      },
    ]);
  });

  it.each([
    ['no body', undefined],
    ['an empty body', ''],
    ['an empty object', '{}'],
    ['via: null', '{"via":null}'],
    ['unknown extra fields', '{"source":"share-sheet"}'],
  ])('accepts %s, naming no video', async (_, body) => {
    const { jobId, token } = await openJobAndViewer();
    const { handle, publisher } = api();
    expect((await handle(applyRequest(jobId, token, body))).statusCode).toBe(201);
    expect(publisher.events[0]?.detail).not.toHaveProperty('via');
  });

  it.each([
    ['a video the job does not list', { platform: 'tiktok', videoId: '7000000000000000666' }],
    ['the job’s video id on the other platform', { platform: 'youtube', videoId: '7399990000000000001' }],
    ['a video of another job', { platform: 'tiktok', videoId: '7399990000000000002' }],
  ])('records a via naming %s as null (a forged via credits no video)', async (_, via) => {
    await putJob(dynamo.documents, tableName, {
      jobId: uniqueId('other-job'),
      videos: [{ platform: 'tiktok', videoId: '7399990000000000002' }],
    });
    const { jobId, profileId, token } = await openJobAndViewer({
      videos: [{ platform: 'tiktok', videoId: '7399990000000000001' }],
    });
    const { handle, publisher } = api();
    expect((await handle(applyRequest(jobId, token, JSON.stringify({ via })))).statusCode).toBe(201);
    expect(publisher.ofType(SUBMITTED)).toHaveLength(1);
    expect(publisher.events[0]?.detail).not.toHaveProperty('via');
    const stored = await dynamo.documents.send(
      new GetCommand({ TableName: tableName, Key: applicationKey(jobId, profileId) }),
    );
    expect(stored.Item).toBeDefined();
    expect(stored.Item).not.toHaveProperty('via');
  });

  it('keeps a via naming a video of the job’s latest version, whichever of its videos it is', async () => {
    const videos = [
      { platform: 'tiktok' as const, videoId: '7399990000000000001' },
      { platform: 'youtube' as const, videoId: 'dQw4w9WgXcQ' },
    ];
    const { jobId, token } = await openJobAndViewer({ version: 3, videos });
    const { handle, publisher } = api();
    const response = await handle(applyRequest(jobId, token, JSON.stringify({ via: videos[1] })));
    expect(response.statusCode).toBe(201);
    expect(publisher.events[0]?.detail).toMatchObject({ via: videos[1] });
  });

  it("writes the application to the funnel log again on a repeat, stamped with the repeat's own time", async () => {
    const { jobId, token } = await openJobAndViewer();
    const funnel = new RecordingFunnelLog();
    const handle = applicationsApiOver(dynamo, tableName, {
      secret: SECRET,
      publisher: new RecordingPublisher(),
      funnel,
    });
    const at = (time: string) => handle(takenAt(applyRequest(jobId, token), time));
    // The log refuses the first: the application is kept, the answer is 503, and the repeat writes it.
    funnel.refusing = true;
    expectProblem(await at('2026-11-20T10:59:50.000Z'), 503);
    funnel.refusing = false;
    expect((await at('2026-11-20T11:20:00.000Z')).statusCode).toBe(200);
    // Not the stored submission's time: a record enters the log within seconds of its `at`, which the funnel's
    // reads rely on to call an hour final (functions/commons/funnel/funnel-rollup.ts).
    expect(funnel.records).toEqual([
      expect.objectContaining({ kind: 'application', jobId, at: '2026-11-20T11:20:00.000Z' }),
    ]);
  });

  it('answers a repeat with 200 and the same body, publishing nothing more', async () => {
    const { jobId, token } = await openJobAndViewer();
    const { handle, publisher } = api();
    const first = await handle(applyRequest(jobId, token));
    const second = await handle(applyRequest(jobId, token, '{"via":{"platform":"youtube","videoId":"abc"}}'));
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    expect(publisher.ofType(SUBMITTED)).toHaveLength(1);
  });

  it('creates exactly one application when the same viewer applies many times at once', async () => {
    const { jobId, token } = await openJobAndViewer();
    const { handle, publisher } = api();
    const responses = await Promise.all(Array.from({ length: 8 }, () => handle(applyRequest(jobId, token))));
    expect(responses.map((response) => response.statusCode).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set(responses.map((response) => bodyOf(response).applicationId)).size).toBe(1);
    // A repeat racing the first request may publish again before it is marked (the notifier deduplicates
    // on applicationId); it is never lost and always the same event.
    const submitted = publisher.ofType(SUBMITTED);
    expect(submitted.length).toBeGreaterThanOrEqual(1);
    expect(new Set(submitted.map((event) => JSON.stringify(event.detail))).size).toBe(1);
    expect(submitted[0]?.detail).toMatchObject({ applicationId: bodyOf(responses[0]!).applicationId });
  });

  it('keeps one application per profile: other viewers apply separately', async () => {
    const { jobId, token } = await openJobAndViewer();
    const other = uniqueId('prof');
    await putProfile(dynamo.documents, tableName, { profileId: other });
    const { handle } = api();
    const mine = bodyOf(await handle(applyRequest(jobId, token)));
    const theirs = await handle(applyRequest(jobId, await viewerToken(SECRET, other)));
    expect(theirs.statusCode).toBe(201);
    expect(bodyOf(theirs).applicationId).not.toBe(mine.applicationId);
  });

  describe('401 for a bad token, before anything else', () => {
    it.each([
      ['no Authorization header', async () => undefined],
      ['an expired token', () => viewerToken(SECRET, 'prof_x', { expiresIn: -30 })],
      ['a token for another audience', () => viewerToken(SECRET, 'prof_x', { audience: 'contra' })],
      ['a token signed with another secret', () => viewerToken('guess', 'prof_x')],
      ['an unsigned token (alg none)', async () => unsignedToken(validClaims('prof_x'))],
    ])('%s', async (_, token) => {
      const { handle, publisher } = api();
      const response = await handle(applyRequest(uniqueId('job_missing'), await token(), 'not json'));
      expectProblem(response, 401);
      expect(response.headers?.['www-authenticate']).toMatch(/^Bearer realm="reelhire"/);
      expect(publisher.events).toHaveLength(0);
    });

    it('for a scheme other than Bearer, and never echoes the credentials', async () => {
      const { jobId, token } = await openJobAndViewer();
      const { handle } = api();
      const response = await handle(
        applyRequest(jobId, undefined, undefined, { authorization: `Basic ${token}` }),
      );
      expectProblem(response, 401);
      expect(JSON.stringify(response)).not.toContain(token);
    });
  });

  it('404 for an unknown job, even with a bad body', async () => {
    const { handle } = api();
    expectProblem(
      await handle(applyRequest('job_never_published', await viewerToken(SECRET, 'p'), '{')),
      404,
    );
    expectProblem(await handle(applyRequest('j'.repeat(300), await viewerToken(SECRET, 'p'))), 404);
  });

  it('404 for a job id that is not well-formed Unicode, even one whose UTF-8 names a job', async () => {
    const { jobId, token } = await openJobAndViewer();
    const { handle, publisher } = api();
    // As a path parameter decoded by a front that keeps lone surrogates: in UTF-8 it is `${jobId}\ufffd`.
    await putJob(dynamo.documents, tableName, { jobId: `${jobId}\ufffd` });
    const request = { ...applyRequest(jobId, token), pathParameters: { jobId: `${jobId}\ud800` } };
    expectProblem(await handle(request), 404);
    expect(publisher.events).toEqual([]);
  });

  describe('410 for a closed job', () => {
    it('once Job Closed was seen, even with a bad body or an unknown profile', async () => {
      const { jobId, token } = await openJobAndViewer({ closed: true, version: 2 });
      const { handle, publisher } = api();
      expectProblem(await handle(applyRequest(jobId, token)), 410);
      expectProblem(await handle(applyRequest(jobId, token, 'not json')), 410);
      expectProblem(await handle(applyRequest(jobId, await viewerToken(SECRET, uniqueId('ghost')))), 410);
      expect(publisher.events).toHaveLength(0);
    });

    it('for a job known only as closed', async () => {
      const jobId = uniqueId('job');
      await dynamo.documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...jobKey(jobId), jobId, version: 3, closed: true },
        }),
      );
      const { handle } = api();
      expectProblem(await handle(applyRequest(jobId, await viewerToken(SECRET, 'prof_any'))), 410);
    });

    it('from the instant closesAt passes', async () => {
      const closesAt = '2026-12-20T16:00:00.000Z';
      const { jobId, token } = await openJobAndViewer({ closesAt: '2026-12-20T17:00:00+01:00' });
      const before = api(() => new Date(Date.parse(closesAt) - 1));
      const at = api(() => new Date(closesAt));
      expectProblem(await at.handle(applyRequest(jobId, token)), 410);
      expect((await before.handle(applyRequest(jobId, token))).statusCode).toBe(201);
    });

    it('but a repeat of an existing application still answers 200', async () => {
      const { jobId, token } = await openJobAndViewer();
      const { handle } = api();
      const first = await handle(applyRequest(jobId, token));
      await putJob(dynamo.documents, tableName, { jobId, version: 2, closed: true });
      const repeat = await handle(applyRequest(jobId, token));
      expect(repeat.statusCode).toBe(200);
      expect(repeat.body).toBe(first.body);
    });
  });

  describe('422 for an unknown profile or a bad body', () => {
    it.each([
      ['a profile never seen', async () => undefined],
      [
        'a deleted profile',
        async (profileId: string) =>
          putProfile(dynamo.documents, tableName, { profileId, deleted: true, version: 9 }),
      ],
    ])('%s', async (_, arrange) => {
      const jobId = uniqueId('job');
      const profileId = uniqueId('prof');
      await putJob(dynamo.documents, tableName, { jobId });
      await arrange(profileId);
      const { handle, publisher } = api();
      expectProblem(await handle(applyRequest(jobId, await viewerToken(SECRET, profileId))), 422);
      expect(publisher.events).toHaveLength(0);
    });

    it('a profile known only from its deletion (no portfolio url)', async () => {
      const jobId = uniqueId('job');
      const profileId = uniqueId('prof');
      await putJob(dynamo.documents, tableName, { jobId });
      await dynamo.documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...profileKey(profileId), profileId, version: 2, deleted: true },
        }),
      );
      const { handle } = api();
      expectProblem(await handle(applyRequest(jobId, await viewerToken(SECRET, profileId))), 422);
    });

    it.each([
      ['not JSON', 'via=tiktok'],
      ['truncated JSON', '{"via":'],
      ['a JSON array', '[]'],
      ['JSON null', 'null'],
      ['an unknown platform', '{"via":{"platform":"vimeo","videoId":"1"}}'],
      ['a via without videoId', '{"via":{"platform":"tiktok"}}'],
      ['an empty videoId', '{"via":{"platform":"tiktok","videoId":""}}'],
      ['a videoId that is not well-formed Unicode', '{"via":{"platform":"tiktok","videoId":"7399\\ud800"}}'],
    ])('a body that is %s', async (_, body) => {
      const { jobId, profileId, token } = await openJobAndViewer();
      const { handle, publisher } = api();
      const response = await handle(applyRequest(jobId, token, body));
      expectProblem(response, 422);
      expect(publisher.events).toHaveLength(0);
      const { Item } = await dynamo.documents.send(
        new GetCommand({ TableName: tableName, Key: applicationKey(jobId, profileId) }),
      );
      expect(Item).toBeUndefined();
    });
  });

  it('413 for a body over 262,144 bytes; exactly 262,144 is accepted', async () => {
    const { jobId, token } = await openJobAndViewer();
    const { handle } = api();
    const padded = (size: number) => `{}${' '.repeat(size - 2)}`;
    expectProblem(await handle(applyRequest(jobId, token, padded(262_145))), 413);
    expectProblem(await handle(applyRequest(jobId, undefined, padded(262_145))), 413);
    expect((await handle(applyRequest(jobId, token, padded(262_144)))).statusCode).toBe(201);
  });

  it('reads base64-encoded bodies as API Gateway delivers them', async () => {
    const { jobId, token } = await openJobAndViewer({
      videos: [{ platform: 'youtube', videoId: 'dQw4w9WgXcQ' }],
    });
    const { handle, publisher } = api();
    const request: HttpRequest = {
      ...applyRequest(jobId, token),
      body: Buffer.from('{"via":{"platform":"youtube","videoId":"dQw4w9WgXcQ"}}').toString('base64'),
      isBase64Encoded: true,
    };
    expect((await handle(request)).statusCode).toBe(201);
    expect(publisher.events[0]?.detail).toMatchObject({
      via: { platform: 'youtube', videoId: 'dQw4w9WgXcQ' },
    });
  });

  it('publishes on the next request when the bus refused the first (crash between write and publish)', async () => {
    const { jobId, profileId, token } = await openJobAndViewer();
    const { handle, publisher } = api();
    publisher.refusals = 1;
    expectProblem(await handle(applyRequest(jobId, token)), 503);
    expect(publisher.events).toHaveLength(0);
    const stored = await dynamo.documents.send(
      new GetCommand({ TableName: tableName, Key: applicationKey(jobId, profileId) }),
    );
    expect(stored.Item).toMatchObject({ publishedThrough: 0, status: 'submitted' });

    const retry = await handle(applyRequest(jobId, token));
    expect(retry.statusCode).toBe(200);
    expect(bodyOf(retry).applicationId).toBe(stored.Item?.applicationId);
    expect(publisher.ofType(SUBMITTED).map((event) => event.detail)).toEqual([
      expect.objectContaining({
        applicationId: stored.Item?.applicationId,
        submittedAt: stored.Item?.submittedAt,
      }),
    ]);
    await handle(applyRequest(jobId, token));
    expect(publisher.ofType(SUBMITTED)).toHaveLength(1);
  });

  it('answers other methods on these paths with 404 problem+json', async () => {
    const { jobId, token } = await openJobAndViewer();
    const { handle } = api();
    const request = applyRequest(jobId, token);
    const asGet: HttpRequest = {
      ...request,
      routeKey: 'GET /jobs/{jobId}/applications',
      requestContext: { ...request.requestContext, http: { ...request.requestContext.http, method: 'GET' } },
    };
    expectProblem(await handle(asGet), 404);
  });
});
