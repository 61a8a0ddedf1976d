import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOT_READ_MAX_AGE_MS, HOT_READS_PER_SECOND } from '#shared/hot-reads.ts';
import type { HttpResponse } from '#shared/http.ts';
import { type LocalDynamo, startDynalite } from '../../local/testing/dynalite.ts';
import { localDocumentClient } from '../../local/testing/local-clients.ts';
import { putJob, uniqueId } from '../support/entities.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { applicationsApiOver } from './applications-api.ts';
import { httpRequest } from './http-request.ts';

const SECRET = 'page-test-viewer-secret';

let dynamo: LocalDynamo;
let tableName: string;
/** What Chromium sends for a page it navigates to. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
/** `accept` null sends no Accept header. */
let page: (jobId: string, accept?: string | null) => Promise<HttpResponse>;

beforeAll(async () => {
  dynamo = await startDynalite();
  tableName = await dynamo.createTable('page');
  const handle = applicationsApiOver(dynamo, tableName, {
    secret: SECRET,
    publisher: new RecordingPublisher(),
    now: () => new Date('2026-11-21T18:30:00Z'),
    newApplicationId: () => 'app_unused',
  });
  page = (jobId, accept = BROWSER_ACCEPT) =>
    handle(httpRequest('GET', 'apply', jobId, accept === null ? {} : { headers: { accept } }));
});
afterAll(async () => {
  await dynamo.close();
});

/** Puts a new job with `fields` and opens its apply page as a browser does. */
const pageOfNewJob = async (fields: Omit<Parameters<typeof putJob>[2], 'jobId'> = {}) => {
  const jobId = uniqueId('job');
  await putJob(dynamo.documents, tableName, { ...fields, jobId });
  return page(jobId);
};
const html = (response: HttpResponse) => String(response.body);
const inline = (body: string, tag: 'script' | 'style') =>
  [...body.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => match[1] ?? '');
const sha256 = (content: string) => `'sha256-${createHash('sha256').update(content).digest('base64')}'`;

describe('GET /jobs/{jobId}/apply', () => {
  it('shows the job title, the employer, what applying shares and one apply button', async () => {
    const response = await pageOfNewJob({ title: 'Motion designer', employerId: 'emp_northwind' });
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('text/html; charset=utf-8');
    const body = html(response);
    expect(body).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(body).toContain('<h1>Motion designer</h1>');
    expect(body).toContain('<title>Apply: Motion designer · ReelHire</title>');
    expect(body).toContain('emp_northwind');
    expect(body).toContain('What applying shares');
    expect(body.match(/<button\b/g)).toHaveLength(1);
    expect(body).toContain('role="status"');
    expect(body).not.toContain(SECRET);
  });

  it('allows exactly its own inline script and style (CSP hashes), and the script compiles', async () => {
    const response = await pageOfNewJob();
    const csp = String(response.headers?.['content-security-policy']);
    const [script = ''] = inline(html(response), 'script');
    const [style = ''] = inline(html(response), 'style');
    expect(csp).toContain(`script-src ${sha256(script)}`);
    expect(csp).toContain(`style-src ${sha256(style)}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(() => new Script(script)).not.toThrow();
    expect(response.headers?.['referrer-policy']).toBe('no-referrer');
  });

  it('escapes everything it shows', async () => {
    const body = html(
      await pageOfNewJob({
        title: '</title><script>alert("title")</script> & co',
        employerId: '"><img src=x onerror=alert(1)>',
      }),
    );
    expect(body).toContain('&lt;/title&gt;&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; co');
    expect(body).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(body.match(/<script>/g)).toHaveLength(1);
    expect(body).not.toContain('<img');
  });

  it('answers an unknown job with problem+json to a client that does not ask for HTML', async () => {
    for (const accept of [null, '*/*', 'application/json', 'application/problem+json']) {
      const response = await page('job_never_published', accept);
      expect(response.statusCode).toBe(404);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(String(response.body))).toMatchObject({
        status: 404,
        title: 'Not Found',
        detail: 'job job_never_published does not exist',
      });
    }
  });

  it('answers a browser asking for an unknown job with a 404 page', async () => {
    for (const jobId of ['job_never_published', 'j'.repeat(200)]) {
      const response = await page(jobId);
      expect(response.statusCode).toBe(404);
      expect(response.headers?.['content-type']).toBe('text/html; charset=utf-8');
      expect(html(response)).toContain('<h1>Job not found</h1>');
      expect(html(response)).not.toContain('<script>');
    }
  });

  it.each([
    ['after Job Closed', { closed: true, version: 2 }],
    ['once closesAt has passed', { closesAt: '2026-11-21T18:29:59Z' }],
  ])('shows a closed job %s, without the button', async (_, job) => {
    const response = await pageOfNewJob({ title: 'Closed role', ...job });
    expect(response.statusCode).toBe(200);
    expect(html(response)).toContain('<h1>Closed role</h1>');
    expect(html(response)).toContain('This job is closed.');
    expect(html(response)).not.toContain('<button');
    expect(html(response)).not.toContain('<script>');
  });
});

describe('a viral job’s apply page', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the job item about once a second while its views come at a viral rate, and shows a closing within 1 s', async () => {
    // The environment's clock (Date alone: the store's timers stay real), moved 5 ms a view: 200 views a second.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-21T18:30:00Z'));
    const tick = () => vi.setSystemTime(Date.now() + 5);
    const jobReads: string[] = [];
    const documents = localDocumentClient(dynamo.endpoint);
    documents.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetItemCommand') jobReads.push(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'countJobReads' },
    );
    const handle = applicationsApiOver({ ...dynamo, documents }, tableName, {
      secret: SECRET,
      publisher: new RecordingPublisher(),
      newApplicationId: () => 'app_unused',
    });
    const jobId = uniqueId('job');
    await putJob(dynamo.documents, tableName, { jobId, title: 'Viral role' });
    const view = async () =>
      html(await handle(httpRequest('GET', 'apply', jobId, { headers: { accept: BROWSER_ACCEPT } })));

    for (let index = 0; index < 300; index++, tick()) expect(await view()).toContain('<h1>Viral role</h1>');
    // HOT_READS_PER_SECOND − 1 reads before the job is hot here, then one when that read is HOT_READ_MAX_AGE_MS old.
    expect(jobReads).toHaveLength(HOT_READS_PER_SECOND);

    await putJob(dynamo.documents, tableName, { jobId, title: 'Viral role', closed: true, version: 2 });
    const closedAt = Date.now();
    const shown: { at: number; closed: boolean }[] = [];
    for (; Date.now() <= closedAt + HOT_READ_MAX_AGE_MS; tick()) {
      shown.push({ at: Date.now(), closed: (await view()).includes('This job is closed.') });
    }
    const first = shown.findIndex(({ closed }) => closed);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(shown.slice(first).every(({ closed }) => closed)).toBe(true);
    expect(shown[first]?.at).toBeLessThanOrEqual(closedAt + HOT_READ_MAX_AGE_MS);
  });
});
