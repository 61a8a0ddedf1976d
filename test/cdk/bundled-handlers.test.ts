import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, type EventDefinition } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { PUBLIC_READ_MAX_AGE_SECONDS } from '#shared/http.ts';
import { jobKey, profileKey, videoKey } from '#shared/item-keys.ts';
import { funnelStreamNameOf } from '../../lib/names.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { localDocumentClient } from '../../local/testing/local-clients.ts';
import { apiGatewayRequest, lambdaContext, sqsEvent, sqsRecord } from '../support/aws-inputs.ts';
import { runAssembly } from '../support/run-assembly.ts';
import { importBundledHandler, synthesized } from '../support/synth.ts';

/**
 * The bundles that deploy, not the TypeScript sources: each is imported from the synthesized assembly and
 * invoked with the catalog's sample events, against dynalite and the local bus endpoints (which the functions
 * reach through the SDK's own AWS_ENDPOINT_URL_* settings, as in the cloud they reach AWS).
 */
describe('bundled handlers from the synthesized assembly', () => {
  let stack: LocalStack;
  let documents: DynamoDBDocumentClient;
  const context = lambdaContext('bundle-test');
  const sqsEventOf = (...definitions: EventDefinition[]): SQSEvent =>
    sqsEvent(...definitions.map((definition) => sqsRecord(sampleOf(definition), { queue: 'bundle-test' })));

  const item = async (key: { pk: string; sk: string }) =>
    (
      await documents.send(
        new GetCommand({ TableName: stack.tableNames[0]!, Key: key, ConsistentRead: true }),
      )
    ).Item;

  beforeAll(async () => {
    stack = await runAssembly(synthesized().outdir, { env: { PATH: process.env.PATH } });
    documents = localDocumentClient(stack.dynamoEndpoint);
    // What the functions read at module load; endpoints are the SDK's standard settings.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: stack.url,
      AWS_ENDPOINT_URL_SQS: stack.url,
      AWS_ENDPOINT_URL_FIREHOSE: stack.url,
      FUNNEL_STREAM_NAME: funnelStreamNameOf('dev'),
      TABLE_NAME: stack.tableNames[0],
      EVENT_BUS_NAME: stack.busNames.find((name) => name !== 'default'),
      PUBLIC_BASE_URL: 'https://reelhire.example',
      REELHIRE_MODE: 'local',
      POWERTOOLS_METRICS_NAMESPACE: 'ReelHire',
      POWERTOOLS_SERVICE_NAME: 'bundle-test',
      DEAD_LETTER_QUEUE_URL: stack.queues
        .all()
        .find((queue) => queue.name.endsWith('VideoEventsDeadLetterQueue'))?.url,
    });
  });

  afterAll(async () => {
    documents?.destroy();
    await stack?.stop();
  });

  it('contraEvents stores the sample profile and job', async () => {
    const handler = await importBundledHandler('contraEvents');
    const result = await handler(sqsEventOf(EVENTS.profileUpdated, EVENTS.jobPublished), context);
    expect(result).toEqual({ batchItemFailures: [] });
    const profile = sampleOf(EVENTS.profileUpdated).detail as { profileId: string; version: number };
    expect(await item(profileKey(profile.profileId))).toMatchObject({ version: profile.version });
    const job = sampleOf(EVENTS.jobPublished).detail as { jobId: string; title: string };
    expect(await item(jobKey(job.jobId))).toMatchObject({ title: job.title });
  });

  it('videoEvents stores the sample video, and linksApi serves its portfolio link', async () => {
    const videoEvents = await importBundledHandler('videoEvents');
    expect(await videoEvents(sqsEventOf(EVENTS.videoPosted), context)).toEqual({ batchItemFailures: [] });
    const video = sampleOf(EVENTS.videoPosted).detail as {
      platform: 'tiktok';
      videoId: string;
      accountId: string;
    };
    expect(await item(videoKey(video.platform, video.videoId))).toMatchObject({
      accountId: video.accountId,
      posted: true,
    });

    const linksApi = await importBundledHandler('linksApi');
    const response = (await linksApi(
      apiGatewayRequest({
        method: 'GET',
        path: `/links/${video.platform}/${video.videoId}`,
        routeKey: 'GET /links/{platform}/{videoId}',
        pathParameters: { platform: video.platform, videoId: video.videoId },
      }),
      context,
    )) as { statusCode: number; body: string; headers: Record<string, string> };
    expect(response.statusCode).toBe(200);
    // The one answer the CDN may keep (lib/constructs/api-distribution.ts).
    expect(response.headers['cache-control']).toBe(`public, max-age=${PUBLIC_READ_MAX_AGE_SECONDS}`);
    const profile = sampleOf(EVENTS.profileUpdated).detail as { profileId: string; portfolioUrl: string };
    // Exactly the contract's shape: nothing more, nothing less.
    expect(JSON.parse(response.body)).toEqual({
      platform: video.platform,
      videoId: video.videoId,
      portfolio: { profileId: profile.profileId, url: profile.portfolioUrl },
      apply: null,
    });
  });

  it('a sample that no longer fits its schema is reported, not half-applied', async () => {
    const videoEvents = await importBundledHandler('videoEvents');
    const event = sqsEventOf(EVENTS.videoRemoved);
    const body = JSON.parse(event.Records[0]!.body) as { detail: Record<string, unknown> };
    body.detail.reason = 'not-a-reason';
    event.Records[0]!.body = JSON.stringify(body);
    // Dead-lettered at once with its reason (through the SQS endpoint), so the batch reports no failure to retry.
    expect(await videoEvents(event, context)).toEqual({ batchItemFailures: [] });
    const removed = sampleOf(EVENTS.videoRemoved).detail as { platform: 'tiktok'; videoId: string };
    expect((await item(videoKey(removed.platform, removed.videoId)))?.removed).toBeUndefined();
    const deadLettered = stack.deadLetterQueues().flatMap((queue) => queue.messages);
    expect(deadLettered.some((message) => message.body.includes('not-a-reason'))).toBe(true);
  });
});
