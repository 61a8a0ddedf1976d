import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, type EventDefinition } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { jobKey, profileKey, videoKey } from '#shared/item-keys.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { startDevStack } from '../local/support/dev-stack.ts';
import { importBundledHandler } from '../support/synth.ts';

/**
 * The bundles that deploy, not the TypeScript sources: each is imported from the synthesized assembly and
 * invoked with the catalog's sample events, against dynalite and the local bus endpoints (which the functions
 * reach through the SDK's own AWS_ENDPOINT_URL_* settings, as in the cloud they reach AWS).
 */
describe('bundled handlers from the synthesized assembly', () => {
  let stack: LocalStack;
  let documents: DynamoDBDocumentClient;
  const context = {
    functionName: 'bundle-test',
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => 30_000,
  };

  const sqsEventOf = (...definitions: EventDefinition[]): SQSEvent => ({
    Records: definitions.map((definition, index) => {
      const sample = sampleOf(definition);
      return {
        messageId: `m-${index}`,
        receiptHandle: `r-${index}`,
        body: JSON.stringify({ id: randomUUID(), time: new Date().toISOString(), ...sample }),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'events.amazonaws.com',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bundle-test',
        awsRegion: 'us-east-1',
      };
    }),
  });

  const item = async (key: { pk: string; sk: string }) =>
    (
      await documents.send(
        new GetCommand({ TableName: stack.tableNames[0]!, Key: key, ConsistentRead: true }),
      )
    ).Item;

  beforeAll(async () => {
    stack = await startDevStack();
    documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.dynamoEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    // What the functions read at module load; endpoints are the SDK's standard settings.
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: stack.url,
      AWS_ENDPOINT_URL_SQS: stack.url,
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
  }, 120_000);

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
      {
        version: '2.0',
        routeKey: 'GET /links/{platform}/{videoId}',
        rawPath: `/links/${video.platform}/${video.videoId}`,
        rawQueryString: '',
        headers: {},
        pathParameters: { platform: video.platform, videoId: video.videoId },
        isBase64Encoded: false,
        requestContext: { http: { method: 'GET', path: `/links/${video.platform}/${video.videoId}` } },
      },
      context,
    )) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
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
