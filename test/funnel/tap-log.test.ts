import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyOf } from '#employers/employer.ts';
import { EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { funnelLine } from '#funnel/funnel-record.ts';
import { creatorRollupKey, hourOf } from '#funnel/funnel-rollup.ts';
import { funnelRollupKey } from '#shared/item-keys.ts';
import { isJsonObject, type JsonObject } from '#shared/json.ts';
import { funnelStreamNameOf } from '../../lib/names.ts';
import { DEV_SECRETS } from '../../local/dev-secrets.ts';
import { LOCAL_REGION } from '../../local/local-account.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { portfolioTapRecord } from '../../local/testing/funnel-log-files.ts';
import { documentsOf, localClientConfig } from '../../local/testing/local-clients.ts';
import { contraWebhook, tiktokWebhook, viewerToken } from '../local/platform-clients.ts';
import { deliveredFunnelRecords } from '../support/funnel-records.ts';
import { startDevStack } from '../support/run-assembly.ts';

/**
 * The funnel log end to end through `npm start`'s runtime (CONTRACT §8): the two counted redirects and the apply
 * page each write one record, id = the API request id, through the function's own role to the local Firehose
 * (IAM enforced) and into the local bucket, as JSON lines; nothing is written to the table for a tap.
 */

const STREAM = funnelStreamNameOf('dev');

const sampleDetail = (name: 'profileUpdated' | 'jobPublished'): JsonObject => {
  const { detail } = sampleOf(EVENTS[name]);
  if (!isJsonObject(detail)) throw new Error(`the ${name} sample has no detail`);
  return detail;
};

describe('the tap log', () => {
  let stack: LocalStack;
  const openId = `open_${randomUUID()}`;
  const videoId = `7${Date.now()}`;
  const profileId = `prof_${randomUUID()}`;
  const jobId = `job_${randomUUID()}`;
  const employerId = String(sampleDetail('jobPublished').employerId);

  beforeAll(async () => {
    stack = await startDevStack();
    await contraWebhook(stack.url, 'profile.updated', {
      ...sampleDetail('profileUpdated'),
      profileId,
      linkedAccounts: [{ platform: 'tiktok', accountId: openId }],
      updatedAt: new Date().toISOString(),
    });
    await contraWebhook(stack.url, 'job.published', {
      ...sampleDetail('jobPublished'),
      jobId,
      videos: [{ platform: 'tiktok', videoId }],
      publishedAt: new Date().toISOString(),
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await tiktokWebhook(stack.url, 'post.publish.publicly_available', openId, {
      publish_id: 'p1',
      post_id: videoId,
    });
    await eventually(
      async () => {
        const answer = await fetch(`${stack.url}/links/tiktok/${videoId}`);
        const body: unknown = answer.status === 200 ? await answer.json() : undefined;
        return JSON.stringify(body ?? {}).includes(jobId) && JSON.stringify(body).includes(profileId)
          ? body
          : undefined;
      },
      { timeoutMs: 30_000, what: 'the video’s portfolio and Apply links' },
    );
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('records each counted redirect and the apply page view, with the request id, and the 302 carries via', async () => {
    const portfolio = await fetch(`${stack.url}/links/tiktok/${videoId}/portfolio`, { redirect: 'manual' });
    expect(portfolio.status).toBe(302);
    const apply = await fetch(`${stack.url}/links/tiktok/${videoId}/apply`, { redirect: 'manual' });
    expect(apply.status).toBe(302);
    const location = new URL(apply.headers.get('location') ?? '');
    expect(location.pathname).toBe(`/jobs/${jobId}/apply`);
    expect(location.search).toBe(`?via=tiktok%3A${videoId}`);
    const page = await fetch(location.href, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const missing = await fetch(`${stack.url}/links/tiktok/${videoId}0/apply`, { redirect: 'manual' });
    expect(missing.status).toBe(404);

    const records = (await deliveredFunnelRecords(stack.firehose, STREAM)).filter(
      (record) => record.videoId === videoId || ('jobId' in record && record.jobId === jobId),
    );
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'portfolioTap',
          id: portfolio.headers.get('apigw-requestid'),
          platform: 'tiktok',
          videoId,
          profileId,
        }),
        expect.objectContaining({
          kind: 'applyTap',
          id: apply.headers.get('apigw-requestid'),
          videoId,
          jobId,
        }),
        expect.objectContaining({
          kind: 'applyPageView',
          id: page.headers.get('apigw-requestid'),
          jobId,
          platform: 'tiktok',
          videoId,
        }),
      ]),
    );
    expect(records).toHaveLength(3);
    expect(stack.iam.refusals.list()).toEqual([]);
  });

  it('lets only the functions granted the stream write to it: any other role is refused (IAM enforced)', async () => {
    const put = async (functionSuffix: string): Promise<string> => {
      const name = [...stack.functions.keys()].find((candidate) => candidate.includes(functionSuffix)) ?? '';
      const credentials = stack.iam.credentialsOf(name);
      if (!credentials) throw new Error(`no role for ${functionSuffix}`);
      const client = new FirehoseClient({ endpoint: stack.url, region: LOCAL_REGION, credentials });
      try {
        await client.send(
          new PutRecordCommand({ DeliveryStreamName: STREAM, Record: { Data: Buffer.from('{}\n') } }),
        );
        return 'accepted';
      } catch (error) {
        return error instanceof Error ? error.name : 'unknown';
      } finally {
        client.destroy();
      }
    };
    expect(await put('LinksApiFunction')).toBe('accepted');
    expect(await put('WebhooksFunction')).toBe('AccessDeniedException');
    expect(stack.iam.refusals.list()).toEqual([
      expect.objectContaining({ action: 'firehose:PutRecord', resource: expect.stringContaining(STREAM) }),
    ]);
  });

  it('GET /profiles/me/funnel counts the viewer’s portfolio taps per video, each once (Athena → DuckDB locally)', async () => {
    const token = await viewerToken(profileId);
    const funnel = async (): Promise<unknown> => {
      await stack.firehose.flush();
      const answer = await fetch(`${stack.url}/profiles/me/funnel`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(200);
      return answer.json();
    };
    const before = await funnel();
    const taps = 3;
    for (let tap = 0; tap < taps; tap++) {
      const answer = await fetch(`${stack.url}/links/tiktok/${videoId}/portfolio`, { redirect: 'manual' });
      expect(answer.status).toBe(302);
    }
    // The first test's tap, these three; the apply tap is the job's, not the profile's.
    expect(before).toEqual({
      profileId,
      videos: [{ platform: 'tiktok', videoId, portfolioTaps: 1 }],
      totals: { portfolioTaps: 1 },
    });
    // Polled: an environment answers a key from its last query for a few seconds (FUNNEL_ANSWER_TTL_MS).
    await eventually(
      async () => {
        expect(await funnel()).toEqual({
          profileId,
          videos: [{ platform: 'tiktok', videoId, portfolioTaps: 1 + taps }],
          totals: { portfolioTaps: 1 + taps },
        });
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the three taps counted' },
    );
    const anonymous = await fetch(`${stack.url}/profiles/me/funnel`);
    expect(anonymous.status).toBe(401);
    // Athena's checks (the workgroup, the Glue table, the bucket's prefixes) passed under the function's role.
    expect(stack.iam.refusals.list().map((refusal) => refusal.action)).toEqual(['firehose:PutRecord']);
  });

  it("a creator's final hours are kept in the creator's rollup item, written under the funnel function's own role", async () => {
    const creator = `prof_${randomUUID()}`;
    const old = join(stack.firehose.bucketDir(STREAM) ?? '', 'funnel', 'dt=2026-01-05', 'hour=10');
    await mkdir(old, { recursive: true });
    const tapOn = (video: string) => portfolioTapRecord(creator, video, '2026-01-05T10:00:00.000Z');
    const records = [tapOn('v-old'), tapOn('v-old'), tapOn('v-older')];
    await writeFile(join(old, `delivered-${randomUUID()}.gz`), gzipSync(records.map(funnelLine).join('')));
    const answer = await fetch(`${stack.url}/profiles/me/funnel`, {
      headers: { authorization: `Bearer ${await viewerToken(creator)}` },
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      profileId: creator,
      videos: [
        { platform: 'tiktok', videoId: 'v-old', portfolioTaps: 2 },
        { platform: 'tiktok', videoId: 'v-older', portfolioTaps: 1 },
      ],
      totals: { portfolioTaps: 3 },
    });
    const { Item } = await documentsOf(new DynamoDBClient(localClientConfig(stack.dynamoEndpoint))).send(
      new GetCommand({
        TableName: stack.tableNames[0],
        Key: funnelRollupKey(creatorRollupKey(creator)),
        ConsistentRead: true,
      }),
    );
    expect(Item).toMatchObject({ counts: { 'tiktok:v-old': 2, 'tiktok:v-older': 1 } });
    // Through an hour that ended minutes ago, not 25 h ago: the function read the stream's DataFreshness (the
    // earlier tests' taps were delivered within the last minutes) from CloudWatch under its own role.
    const recent = hourOf(Date.now() - 2 * 3_600_000);
    expect(String(Item?.rolledThrough) >= recent, `${String(Item?.rolledThrough)} ≥ ${recent}`).toBe(true);
    // GetItem and PutItem on its own item passed the LeadingKeys condition; nothing else was refused.
    expect(stack.iam.refusals.list().map((refusal) => refusal.action)).toEqual(['firehose:PutRecord']);
  });

  it('GET /employer/jobs/{jobId}/funnel: taps, page views, applications and hires per video, exact, kept through withdrawal, closing and erasure', async () => {
    const key = apiKeyOf(DEV_SECRETS.EMPLOYER_SIGNING_KEY, employerId, 0);
    const jobFunnel = async (as = key): Promise<Response> => {
      await stack.firehose.flush();
      return fetch(`${stack.url}/employer/jobs/${jobId}/funnel`, {
        headers: { authorization: `Bearer ${as}` },
      });
    };
    const before = await jobFunnel();
    expect(before.status).toBe(200);
    // The first test's apply tap and page view, both from the video.
    const row = { platform: 'tiktok', videoId };
    expect(await before.json()).toEqual({
      jobId,
      videos: [{ ...row, applyTaps: 1, applyPageViews: 1, applications: 0, hired: 0 }],
      totals: { applyTaps: 1, applyPageViews: 1, applications: 0, hired: 0 },
    });

    for (let tap = 0; tap < 2; tap++) {
      const answer = await fetch(`${stack.url}/links/tiktok/${videoId}/apply`, { redirect: 'manual' });
      expect(answer.status).toBe(302);
      const page = await fetch(answer.headers.get('location') ?? '', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
    }
    const direct = await fetch(`${stack.url}/jobs/${jobId}/apply`, { headers: { accept: 'text/html' } });
    expect(direct.status).toBe(200);

    // One application from the video (applied twice: one application), one without a via from another profile.
    const otherProfileId = `prof_${randomUUID()}`;
    await contraWebhook(stack.url, 'profile.updated', {
      ...sampleDetail('profileUpdated'),
      profileId: otherProfileId,
      linkedAccounts: [],
      updatedAt: new Date().toISOString(),
    });
    const applyAs = async (profile: string, body: unknown): Promise<string> => {
      const token = await viewerToken(profile);
      const answer = await eventually(
        async () => {
          const response = await fetch(`${stack.url}/jobs/${jobId}/applications`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          return response.status === 201 || response.status === 200 ? response : undefined;
        },
        { timeoutMs: 30_000, what: `an application from ${profile}` },
      );
      return String(((await answer.json()) as { applicationId: string }).applicationId);
    };
    const fromVideo = await applyAs(profileId, { via: row });
    expect(await applyAs(profileId, { via: row })).toBe(fromVideo);
    const withoutVia = await applyAs(otherProfileId, {});

    const hire = await fetch(`${stack.url}/employer/applications/${fromVideo}/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'hired' }),
    });
    expect(hire.status).toBe(200);
    const withdrawn = await fetch(`${stack.url}/applications/${withoutVia}/withdraw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await viewerToken(otherProfileId)}` },
    });
    expect(withdrawn.status).toBe(200);
    // The job closes and the hired applicant erases their profile: nothing counted is taken back.
    await contraWebhook(stack.url, 'job.closed', { jobId, version: 2, closedAt: new Date().toISOString() });
    await contraWebhook(stack.url, 'profile.deleted', {
      profileId,
      version: 99,
      deletedAt: new Date().toISOString(),
    });
    // Polled on the video's uncounted read (404 once it has neither link): a poll of /apply that still met the
    // link would be a tap, and the count below one more than the test made.
    await eventually(
      async () => {
        const links = await fetch(`${stack.url}/links/tiktok/${videoId}`);
        return links.status === 404 ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the closed job’s and the erased profile’s links gone' },
    );

    // Polled: an environment answers a key from its last query for a few seconds (FUNNEL_ANSWER_TTL_MS).
    await eventually(
      async () => {
        const after = await jobFunnel();
        expect(after.status).toBe(200);
        expect(await after.json()).toEqual({
          jobId,
          videos: [{ ...row, applyTaps: 3, applyPageViews: 3, applications: 1, hired: 1 }],
          totals: { applyTaps: 3, applyPageViews: 4, applications: 2, hired: 1 },
        });
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'the job’s funnel after the closing and the erasure' },
    );
    const stranger = await jobFunnel(apiKeyOf(DEV_SECRETS.EMPLOYER_SIGNING_KEY, 'emp_stranger', 0));
    expect(stranger.status).toBe(404);
    expect(stranger.headers.get('content-type')).toBe('application/problem+json');
    expect((await jobFunnel('not-a-key')).status).toBe(401);
  });
});
