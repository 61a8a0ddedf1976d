import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../../local/eventbridge/bus-event.ts';
import { compileEventPattern } from '../../local/eventbridge/pattern/matcher.ts';
import { MAX_JSON_DEPTH } from '../../local/eventbridge/put-events-request.ts';
import { localEndpoint } from '../../local/http/runtime-replies.ts';
import { FunctionLogs } from '../../local/logs/function-logs.ts';
import type { LocalQueue } from '../../local/sqs/local-queue.ts';
import { type AwsEndpoints, startAwsEndpoints } from '../support/aws-endpoints.ts';

const BUS = 'reelhire-test';

describe('the local PutEvents endpoint, through @aws-sdk/client-eventbridge', () => {
  let endpoints: AwsEndpoints;
  let videoQueue: LocalQueue;

  beforeAll(async () => {
    endpoints = await startAwsEndpoints({
      busNames: [BUS],
      rules: (queues) => {
        videoQueue = queues.create('video-events');
        return [
          {
            name: 'video-events',
            arn: `arn:aws:events:us-east-1:000000000000:rule/${BUS}/video-events`,
            busName: BUS,
            enabled: true,
            matches: compileEventPattern({
              source: [{ prefix: 'reelhire.' }],
              'detail-type': ['Video Posted'],
            }),
            targets: [{ id: 'queue', arn: videoQueue.arn, retryPolicy: DEFAULT_RETRY_POLICY }],
          },
        ];
      },
    });
  });
  afterAll(async () => {
    await endpoints.close();
  });

  const entry = (overrides: Record<string, unknown> = {}) => ({
    EventBusName: BUS,
    Source: 'reelhire.tiktok',
    DetailType: 'Video Posted',
    Detail: JSON.stringify({ platform: 'tiktok', videoId: 'v1' }),
    ...overrides,
  });

  it('accepts entries, gives each an id and delivers the matching ones to the rule target as EventBridge events', async () => {
    const time = new Date('2026-11-20T14:03:11.500Z');
    const result = await endpoints.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          entry({ Time: time, Resources: ['arn:aws:tiktok:video/v1'] }),
          entry({ DetailType: 'Job Closed', Detail: '{"jobId":"j1"}' }),
          entry({ Source: 'other.system' }),
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(3);
    const [firstId] = (result.Entries ?? []).map((item) => item.EventId);

    const delivered = videoQueue.peek().map((message) => JSON.parse(message.body));
    expect(delivered).toEqual([
      {
        version: '0',
        id: firstId,
        'detail-type': 'Video Posted',
        source: 'reelhire.tiktok',
        account: '000000000000',
        time: '2026-11-20T14:03:11Z',
        region: 'us-east-1',
        resources: ['arn:aws:tiktok:video/v1'],
        detail: { platform: 'tiktok', videoId: 'v1' },
      },
    ]);
    const recorded = endpoints.activity.busEvents().slice(-3);
    expect(recorded.map((record) => record.matchedRules)).toEqual([['video-events'], [], []]);
    videoQueue.purge();
  });

  it('reports a bad entry in its own slot and counts it, accepting the others', async () => {
    const result = await endpoints.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          entry(),
          entry({ Source: undefined }),
          entry({ DetailType: undefined }),
          entry({ Detail: undefined }),
          entry({ Detail: '[1,2]' }),
          entry({ Detail: '{not json' }),
          entry({ EventBusName: 'no-such-bus' }),
          entry({ Source: 'aws.s3' }),
          entry({ EventBusName: `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}` }),
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(7);
    expect(result.Entries?.map((item) => item.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'ResourceNotFoundException',
      'NotAuthorizedForSourceException',
      'ok',
    ]);
    expect(result.Entries?.[1]?.ErrorMessage).toBe(
      'Parameter Source is not valid. Reason: Source is a required argument.',
    );
    expect(result.Entries?.[4]?.ErrorMessage).toBe('Detail is malformed.');
    expect(videoQueue.peek()).toHaveLength(2);
    videoQueue.purge();
  });

  it('refuses more than 10 entries, or none, for the whole request with a ValidationException', async () => {
    const tooMany = endpoints.eventBridge.send(
      new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) }),
    );
    await expect(tooMany).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 10'),
      $metadata: { httpStatusCode: 400 },
    });
    await expect(endpoints.eventBridge.send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(videoQueue.peek()).toHaveLength(0);
  });

  it('refuses entries over the size limit as a whole', async () => {
    const big = JSON.stringify({ padding: 'x'.repeat(600_000) });
    await expect(
      endpoints.eventBridge.send(
        new PutEventsCommand({ Entries: [entry({ Detail: big }), entry({ Detail: big })] }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('over the limit'),
    });
  });

  /** `{"a":{"a":…1…}}`, `levels` objects deep. */
  const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{"a":1}${'}'.repeat(levels - 1)}`;

  it('refuses a Detail nested 100,000 deep with a 400 ValidationException, and the activity feed still serves', async () => {
    const before = endpoints.activity.busEvents().length;
    for (const detail of [nested(100_000), `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`]) {
      await expect(
        endpoints.eventBridge.send(new PutEventsCommand({ Entries: [entry(), entry({ Detail: detail })] })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining(`entries.2.member.detail`),
        $metadata: { httpStatusCode: 400 },
      });
    }
    // Nothing of the request was taken, so nothing can break what reads the bus's activity afterwards.
    expect(endpoints.activity.busEvents()).toHaveLength(before);
    expect(videoQueue.peek()).toHaveLength(0);
    const feed = localEndpoint(new URL('http://127.0.0.1/_local/activity'), {
      activity: endpoints.activity,
      logs: new FunctionLogs(),
      functionNames: () => [],
      deadLetterQueues: () => [],
      applications: async () => [],
      storage: { dynamoEndpoint: '', tableNames: [] },
      alarms: () => [],
      refusals: () => ({ count: 0, recent: [] }),
      funnel: async () => ({}),
    });
    expect((await feed)?.statusCode).toBe(200);
  });

  it('takes a Detail nested exactly as deep as EventBridge processes, and counts brackets in strings as text', async () => {
    const result = await endpoints.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          entry({ Detail: nested(MAX_JSON_DEPTH) }),
          entry({ Detail: JSON.stringify({ text: '{['.repeat(MAX_JSON_DEPTH), quote: '\\"{[' }) }),
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(0);
    await expect(
      endpoints.eventBridge.send(
        new PutEventsCommand({ Entries: [entry({ Detail: nested(MAX_JSON_DEPTH + 1) })] }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    videoQueue.purge();
  });

  it('refuses a request body nested deeper than any AWS JSON request (a 400, not a 500)', async () => {
    const response = await fetch(`${endpoints.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: `{"Entries":[{"Source":"s","DetailType":"d","Detail":"{}","Resources":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}]}`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('answers an unknown operation the way AWS JSON services do', async () => {
    const response = await fetch(`${endpoints.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.DeleteEventBus', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const garbage = await fetch(`${endpoints.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents' },
      body: '{"Entries": [',
    });
    expect(await garbage.json()).toMatchObject({ __type: 'SerializationException' });
  });
});
