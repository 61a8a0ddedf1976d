import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyOf } from '#employers/employer.ts';
import { EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { kindDefinition } from '#notify/notification.ts';
import { isJsonObject, type JsonObject } from '#shared/json.ts';
import { CDN_CACHED_ROUTES } from '../../lib/front-door.ts';
import { HTTP_ROUTES } from '../../lib/routing.ts';
import { DEV_SECRETS } from '../../local/dev-secrets.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { contraWebhook, tiktokWebhook, viewerToken } from '../local/platform-clients.ts';
import { sampleApplication } from '../support/entities.ts';
import { startDevStack } from '../support/run-assembly.ts';

/**
 * GET /openapi.json from the running local stack: a valid OpenAPI 3.1 document (by a maintained validator),
 * naming every HTTP route of lib/routing.ts, and describing what the handlers really take and answer: real
 * requests and their answers are validated against the served schemas, so the document cannot drift.
 */

const DOCUMENT_ID = 'https://reelhire.test/openapi.json';

/** A JSON pointer segment (`/` and `~` escaped). */
const pointer = (...segments: string[]): string =>
  segments.map((segment) => `/${segment.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

const objectAt = (value: unknown, ...path: string[]): JsonObject => {
  let current = value;
  for (const key of path) current = isJsonObject(current) ? current[key] : undefined;
  if (!isJsonObject(current)) throw new Error(`nothing described at ${path.join(' › ')}`);
  return current;
};

describe('GET /openapi.json', () => {
  let stack: LocalStack;
  let response: Response;
  let document: JsonObject;
  let ajv: Ajv2020;

  /** Whether `value` fits the schema the document gives at `path` (errors in the message when not). */
  const check = (value: unknown, ...path: string[]): string | true => {
    objectAt(document, ...path);
    const validate = ajv.getSchema(`${DOCUMENT_ID}#${pointer(...path)}`);
    if (validate === undefined) throw new Error(`no schema at ${path.join(' › ')}`);
    return validate(value) === true ? true : ajv.errorsText(validate.errors);
  };

  /** The answer fits the response the document describes for its status and media type. */
  const expectDescribedAnswer = async (answer: Response, path: string, method: string): Promise<unknown> => {
    const status = String(answer.status);
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    const text = await answer.text();
    const body: unknown = mediaType.endsWith('json') ? JSON.parse(text) : text;
    const responsePath = ['paths', path, method, 'responses', status];
    expect(
      Object.keys(objectAt(document, ...responsePath, 'content')),
      `${method} ${path} ${status}`,
    ).toContain(mediaType);
    expect(check(body, ...responsePath, 'content', mediaType, 'schema')).toBe(true);
    return body;
  };

  beforeAll(async () => {
    stack = await startDevStack({ env: {} });
    response = await fetch(`${stack.url}/openapi.json`);
    document = objectAt(await response.clone().json());
    ajv = new Ajv2020({ strict: false, allErrors: true });
    // CommonJS, its `default` its export: so under NodeNext as at run time.
    addFormats.default(ajv);
    ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is a valid OpenAPI 3.1 document, says so with its status and is cached by the CDN', async () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(CDN_CACHED_ROUTES).toContain('GET /openapi.json');
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.servers).toEqual([{ url: stack.url }]);
  });

  it('describes every HTTP route of lib/routing.ts with its method, and no other', () => {
    const described = Object.entries(objectAt(document, 'paths')).flatMap(([path, item]) =>
      Object.keys(objectAt(item)).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(described.sort()).toEqual(HTTP_ROUTES.map((route) => route.routeKey).sort());
    for (const route of HTTP_ROUTES) {
      const [method = '', path = ''] = route.routeKey.split(' ');
      const operation = objectAt(document, 'paths', path, method.toLowerCase());
      const pathParameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      const declared = (Array.isArray(operation.parameters) ? operation.parameters : [])
        .filter((parameter) => isJsonObject(parameter) && parameter.in === 'path')
        .map((parameter) => objectAt(parameter).name);
      expect(declared, `${route.routeKey}: its path parameters`).toEqual(pathParameters);
    }
  });

  it('names the security schemes: the viewer JWT, the platforms’ signatures and the employer key', () => {
    const schemes = objectAt(document, 'components', 'securitySchemes');
    expect(schemes.viewerToken).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(schemes.employerKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.tiktokSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'TikTok-Signature' });
    expect(schemes.youtubeSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Hub-Signature' });
    expect(schemes.contraSignature).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'webhook-signature',
    });
    expect(objectAt(document, 'paths', '/jobs/{jobId}/applications', 'post').security).toEqual([
      { viewerToken: [] },
    ]);
    expect(objectAt(document, 'paths', '/webhooks/contra', 'post').security).toEqual([
      { contraSignature: [] },
    ]);
  });

  it('describes application.received and application.withdrawn under webhooks with the bodies the notifier builds', () => {
    const submitted = sampleApplication();
    const application = {
      ...submitted,
      history: [...submitted.history, { status: 'withdrawn' as const, at: '2026-11-22T00:00:00Z' }],
    };
    const bodyOf = (type: string) => ['webhooks', type, 'post', 'requestBody', 'content', 'application/json'];
    const received = kindDefinition('received').body(application, '2026-01-01T00:00:01Z');
    expect(check(received, ...bodyOf('application.received'), 'schema')).toBe(true);
    expect(
      check({ ...received, data: { applicant: {} } }, ...bodyOf('application.received'), 'schema'),
    ).not.toBe(true);
    const withdrawn = kindDefinition('withdrawn').body(application, '2026-01-02T00:00:01Z');
    expect(check(withdrawn, ...bodyOf('application.withdrawn'), 'schema')).toBe(true);
    expect(check(received, ...bodyOf('application.withdrawn'), 'schema')).not.toBe(true);
  });

  it('GET /health and a 404 of /links answer what the document describes', async () => {
    await expectDescribedAnswer(await fetch(`${stack.url}/health`), '/health', 'get');
    const missing = await fetch(`${stack.url}/links/tiktok/${randomUUID()}`);
    expect(missing.status).toBe(404);
    await expectDescribedAnswer(missing, '/links/{platform}/{videoId}', 'get');
  });

  it('webhooks: the platforms’ requests fit the request schemas, the answers the responses', async () => {
    const openId = `open_${randomUUID()}`;
    const videoId = `7${Date.now()}`;
    const profile = {
      ...objectAt(sampleOf(EVENTS.profileUpdated).detail),
      profileId: `prof_${randomUUID()}`,
      linkedAccounts: [{ platform: 'tiktok', accountId: openId }],
      updatedAt: new Date().toISOString(),
    };
    const contraBody = ['paths', '/webhooks/contra', 'post', 'requestBody', 'content', 'application/json'];
    expect(check({ type: 'profile.updated', data: profile }, ...contraBody, 'schema')).toBe(true);
    expect(
      check({ type: 'profile.updated', data: { ...profile, version: 0 } }, ...contraBody, 'schema'),
    ).not.toBe(true);
    await expectDescribedAnswer(
      await contraWebhook(stack.url, 'profile.updated', profile),
      '/webhooks/contra',
      'post',
    );

    const posted = await tiktokWebhook(stack.url, 'post.publish.publicly_available', openId, {
      publish_id: 'p1',
      post_id: videoId,
    });
    expect(await expectDescribedAnswer(posted, '/webhooks/tiktok', 'post')).toEqual({ status: 'accepted' });
    const unsigned = await fetch(`${stack.url}/webhooks/tiktok`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    await expectDescribedAnswer(unsigned, '/webhooks/tiktok', 'post');

    // The link the two deliveries made, as GET /links answers it.
    const links = await eventually(
      async () => {
        const answer = await fetch(`${stack.url}/links/tiktok/${videoId}`);
        return answer.status === 200 ? answer : undefined;
      },
      { timeoutMs: 30_000, what: 'the video’s portfolio link' },
    );
    expect(await expectDescribedAnswer(links, '/links/{platform}/{videoId}', 'get')).toMatchObject({
      portfolio: { profileId: profile.profileId },
    });
  });

  it('POST /jobs/{jobId}/applications: a body the handler refuses does not fit, its 401 fits', async () => {
    const body = [
      'paths',
      '/jobs/{jobId}/applications',
      'post',
      'requestBody',
      'content',
      'application/json',
    ];
    expect(check({ via: { platform: 'tiktok', videoId: '1' } }, ...body, 'schema')).toBe(true);
    expect(check({ via: { platform: 'vimeo', videoId: '1' } }, ...body, 'schema')).not.toBe(true);
    const unauthorized = await fetch(`${stack.url}/jobs/job_1/applications`, { method: 'POST' });
    expect(unauthorized.status).toBe(401);
    await expectDescribedAnswer(unauthorized, '/jobs/{jobId}/applications', 'post');
    const overLimit = objectAt(document, 'paths', '/jobs/{jobId}/applications', 'post', 'responses', '429');
    expect(Object.keys(objectAt(overLimit, 'content'))).toContain('application/problem+json');
    expect(objectAt(overLimit, 'headers', 'retry-after', 'schema')).toMatchObject({ type: 'integer' });
    // Every employer route answers its limit's 429 with Retry-After too.
    for (const [path, item] of Object.entries(objectAt(document, 'paths'))) {
      if (!path.startsWith('/employer/')) continue;
      for (const method of Object.keys(objectAt(item))) {
        const limited = objectAt(item, method, 'responses', '429');
        expect(Object.keys(objectAt(limited, 'headers')), `${method} ${path}`).toContain('retry-after');
      }
    }
  });

  it('the applicant and employer APIs: their answers fit, a status body they refuse does not', async () => {
    const get = (path: string, bearer?: string) =>
      fetch(
        `${stack.url}${path}`,
        bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } },
      );
    await expectDescribedAnswer(await get('/applications'), '/applications', 'get');
    const mine = await get('/applications?limit=5', await viewerToken(`prof_${randomUUID()}`));
    expect(await expectDescribedAnswer(mine, '/applications', 'get')).toEqual({
      items: [],
      nextCursor: null,
    });
    const key = apiKeyOf(DEV_SECRETS.EMPLOYER_SIGNING_KEY, `emp_${randomUUID()}`, 0);
    await expectDescribedAnswer(
      await get('/employer/applications', 'rhk_wrong'),
      '/employer/applications',
      'get',
    );
    const inbox = await get('/employer/applications?status=hired', key);
    expect(await expectDescribedAnswer(inbox, '/employer/applications', 'get')).toEqual({
      items: [],
      nextCursor: null,
    });
    const badCursor = await get('/employer/deliveries?cursor=nope', key);
    expect(badCursor.status).toBe(400);
    await expectDescribedAnswer(badCursor, '/employer/deliveries', 'get');
    const unknown = await get(`/employer/applications/app_${randomUUID()}`, key);
    expect(unknown.status).toBe(404);
    await expectDescribedAnswer(unknown, '/employer/applications/{applicationId}', 'get');

    const status = [
      'paths',
      '/employer/applications/{applicationId}/status',
      'post',
      'requestBody',
      'content',
      'application/json',
      'schema',
    ];
    expect(check({ status: 'interviewing', note: 'call Thursday' }, ...status)).toBe(true);
    expect(check({ status: 'archived' }, ...status)).not.toBe(true);
    expect(check({ status: 'hired', note: 'x'.repeat(1001) }, ...status)).not.toBe(true);
  });
});
