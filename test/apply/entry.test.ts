import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HttpRequest, HttpResponse } from '#shared/http.ts';
import { viewerToken } from '../../local/testing/viewer-tokens.ts';
import { stubLocalAwsEnvironment } from '../support/aws-inputs.ts';
import { putJob, uniqueId } from '../support/entities.ts';
import { deliveredFunnelRecords } from '../support/funnel-records.ts';
import { startLocalFirehose } from '../support/local-firehose.ts';
import { useDynalite } from '../support/shared-resource.ts';
import { importBundledHandler, useEntryTable } from '../support/synth.ts';
import { applyRequest, httpRequest } from './http-request.ts';

/** The applications API's bundle as the runtime loads it: wired from the environment the stack sets. */

const SECRET = 'entry-viewer-secret';
const dynamo = useDynalite();
const tableNameOf = useEntryTable(dynamo, 'entry');
let firehose: Awaited<ReturnType<typeof startLocalFirehose>>;

beforeAll(async () => {
  firehose = await startLocalFirehose('entry-funnel');
});
afterAll(async () => {
  await firehose?.stop();
});

const load = async (): Promise<(request: HttpRequest) => Promise<HttpResponse>> =>
  (await importBundledHandler('applicationsApi')) as (request: HttpRequest) => Promise<HttpResponse>;

describe('the applications API as deployed (functions/applications-api.ts, bundled)', () => {
  it('fails at load when TABLE_NAME is missing', async () => {
    vi.stubEnv('TABLE_NAME', '');
    await expect(load()).rejects.toThrow('missing required environment variable TABLE_NAME');
  });

  it('serves the page and verifies local tokens with VIEWER_TOKEN_SECRET', async () => {
    vi.stubEnv('TABLE_NAME', tableNameOf());
    vi.stubEnv('EVENT_BUS_NAME', 'reelhire-test');
    vi.stubEnv('REELHIRE_MODE', 'local');
    vi.stubEnv('VIEWER_TOKEN_SECRET', `${SECRET} previous-secret`);
    vi.stubEnv('FUNNEL_STREAM_NAME', 'entry-funnel');
    stubLocalAwsEnvironment({ DYNAMODB: dynamo.endpoint, FIREHOSE: firehose.url });
    const handler = await load();
    const jobId = uniqueId('job');
    await putJob(dynamo.documents, tableNameOf(), { jobId, title: 'Wired job' });

    const page = await handler(httpRequest('GET', 'apply', jobId));
    expect(page.statusCode).toBe(200);
    expect(String(page.body)).toContain('<h1>Wired job</h1>');
    // The page view went to the funnel's delivery stream, under the request's id.
    expect(await deliveredFunnelRecords(firehose.streams, 'entry-funnel')).toEqual([
      expect.objectContaining({
        kind: 'applyPageView',
        jobId,
        id: expect.any(String),
      }),
    ]);
    expect((await handler(applyRequest(jobId, await viewerToken('wrong', 'prof_a')))).statusCode).toBe(401);
    const unknownJob = await handler(
      applyRequest(uniqueId('job'), await viewerToken('previous-secret', 'p')),
    );
    expect(unknownJob.statusCode).toBe(404);
  });
});
