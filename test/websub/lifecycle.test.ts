import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENTS, sourceOf } from '#events/catalog.ts';
import { DynamoAccountStore } from '#links/dynamo-accounts.ts';
import { secretValues, signingSecret } from '#shared/aws/secrets.ts';
import { instantKey } from '#shared/instant.ts';
import { channelKey } from '#shared/item-keys.ts';
import { DynamoDeliveryLedger } from '#webhooks/dynamo-delivery-ledger.ts';
import { createWebhookHandler } from '#webhooks/webhooks-handler.ts';
import { CALLBACK_TOKEN_PARAMETER, newCallbackToken, youtubeCallbackUrl } from '#websub/callback-token.ts';
import { DynamoChannelSubscriptions, RENEWAL_PARTITION } from '#websub/dynamo-channel-subscriptions.ts';
import { FetchHubClient } from '#websub/hub-client.ts';
import { HUB_REQUEST_ATTEMPTS, HUB_RETRY_DELAYS_SECONDS } from '#websub/hub-retry.ts';
import { REQUESTED_LEASE_SECONDS } from '#websub/subscription.ts';
import { topicOfChannel } from '#websub/topics.ts';
import { WebSubVerification } from '#websub/verification.ts';
import { createWebSubRenewalHandler } from '#websub/websub-renewal-handler.ts';
import { createYouTubeSubscriptionsHandler } from '#websub/youtube-subscriptions-handler.ts';
import { type LocalDynamo, startDynalite } from '../../local/testing/dynalite.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { NOW, youtubeEntry, youtubeFeed } from '../../local/testing/platform-deliveries.ts';
import { type ServedHandler, serveHandler } from '../../local/testing/serve-handler.ts';
import { type LocalHub, startLocalHub } from '../../local/websub-hub.ts';
import { lambdaContext, sqsEvent, sqsRecord } from '../support/aws-inputs.ts';
import { RecordingPublisher } from '../support/recording-publisher.ts';
import { RecordingRetryScheduler } from '../support/recording-retry-scheduler.ts';
import { SqsRecorder } from '../support/sqs-recorder.ts';
import { closeLocalSecrets, SECRETS, startLocalSecrets } from '../support/webhook-harness.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

/**
 * The WebSub lifecycle end to end, over loopback: the subscription function sends requests to a real local
 * hub, which verifies them against the webhooks function served over HTTP, both on a real dynalite table.
 */

const DAY_MS = 86_400_000;

let dynamo: LocalDynamo;
let tableName: string;
let hub: LocalHub;
let callback: ServedHandler;
let channels: DynamoChannelSubscriptions;
let accounts: DynamoAccountStore;
/** Waits for a condition on the hub, bounded. */
const until = (condition: () => boolean): Promise<true> =>
  eventually(() => condition() || undefined, { intervalMs: 10 });

const bus = new RecordingPublisher();
const retries = new RecordingRetryScheduler();
const clock = { now: NOW };

/** The subscription function on this file's table, asking the hub at `hubUrl`, jittered by `random`. */
const subscriptionsHandler = (hubUrl: string, random: () => number) =>
  createYouTubeSubscriptionsHandler({
    channels,
    accounts,
    hub: new FetchHubClient(hubUrl),
    hubSecret: () => signingSecret('YOUTUBE_HUB_SECRET'),
    clock: () => clock.now,
    callbackUrl: youtubeCallbackUrl(callback.url),
    leaseSeconds: REQUESTED_LEASE_SECONDS,
    retries,
    random,
  });

let consumer: ReturnType<typeof createYouTubeSubscriptionsHandler>;
let renewal: ReturnType<typeof createWebSubRenewalHandler>;

beforeAll(async () => {
  await startLocalSecrets();
  dynamo = await startDynalite();
  tableName = await dynamo.createTable('websub');
  channels = new DynamoChannelSubscriptions(dynamo.documents, tableName);
  accounts = new DynamoAccountStore(dynamo.documents, tableName);
  hub = await startLocalHub();
  const webhooks = createWebhookHandler({
    publisher: bus,
    deliveries: new DynamoDeliveryLedger(dynamo.documents, tableName),
    secrets: secretValues,
    clock: () => clock.now,
    count: () => undefined,
    subscriptions: new WebSubVerification(channels, REQUESTED_LEASE_SECONDS),
  });
  callback = await serveHandler((request) => webhooks(request));
  consumer = subscriptionsHandler(hub.url, () => 0);
  renewal = createWebSubRenewalHandler({ channels, publisher: bus, clock: () => clock.now });
});

afterAll(async () => {
  await hub.close();
  await callback.close();
  await dynamo.close();
  await closeLocalSecrets();
});

beforeEach(() => {
  clock.now = NOW;
  hub.down = false;
  hub.grantedLeaseSeconds = 432_000;
  bus.clear();
});

let channelCounter = 0;
const nextChannel = () => `UCtest${String(++channelCounter).padStart(18, '0')}`;

const claim = (profileId: string, version: number, listed: boolean) => ({
  profileId,
  version,
  listed,
  deleted: false,
  updatedAtKey: instantKey(clock.now.toISOString()),
  portfolioUrl: `https://contra.com/${profileId}`,
  showPortfolioLink: true,
});
const link = (channelId: string, profileId = 'prof_maya', version = 1) =>
  accounts.writeClaim('youtube', channelId, claim(profileId, version, true));
const unlink = (channelId: string, profileId = 'prof_maya', version = 2) =>
  accounts.writeClaim('youtube', channelId, claim(profileId, version, false));

/** `Channel Subscription Wanted` as the subscription queue delivers it, on its `receiveCount`-th receive. */
const wantedDelivery = (channelId: string, receiveCount = 1) =>
  sqsEvent(
    sqsRecord(
      {
        source: sourceOf('links'),
        'detail-type': EVENTS.channelSubscriptionWanted.detailType,
        detail: { channelId },
      },
      { receiveCount, queue: 'reelhire-youtube-subscriptions' },
    ),
  );

/** Delivers `Channel Subscription Wanted` to the subscription function; returns the ids SQS would retry. */
const wanted = async (channelId: string, attempt = 1): Promise<string[]> => {
  const response = await consumer(wantedDelivery(channelId, attempt), lambdaContext('youtubeSubscriptions'));
  return response.batchItemFailures.map((failure) => failure.itemIdentifier);
};

const channelItem = async (channelId: string) =>
  (
    await dynamo.documents.send(
      new GetCommand({ TableName: tableName, Key: channelKey(channelId), ConsistentRead: true }),
    )
  ).Item;

/** A newly linked channel whose subscribe the hub holds unverified: ReelHire's request stays pending. */
const pendingChannel = async () => {
  const channelId = nextChannel();
  await link(channelId);
  hub.holdVerifications = true;
  await wanted(channelId);
  return { channelId, topic: topicOfChannel(channelId) };
};

/** A newly linked channel the hub has verified. */
const subscribedChannel = async () => {
  const channelId = nextChannel();
  const topic = topicOfChannel(channelId);
  await link(channelId);
  await wanted(channelId);
  await until(() => hub.subscriptions.has(topic));
  return { channelId, topic };
};

/** The channel's callback token as stored. */
const tokenOf = async (channelId: string): Promise<unknown> => (await channelItem(channelId))?.callbackToken;
/** 256 bits, url-safe base64 without padding. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const callbackWith = (token: unknown) => `${callback.url}/webhooks/youtube?token=${String(token)}`;

const verificationsOf = (topic: string) =>
  hub.verifications.filter((verification) => verification.topic === topic);
const requestsOf = (topic: string) => hub.requests.filter((request) => request.topic === topic);

describe('YouTube WebSub subscriptions against a local hub', () => {
  it('link → subscribe → verified: the lease is recorded and the hub delivers signed notifications', async () => {
    const channelId = nextChannel();
    const topic = topicOfChannel(channelId);
    await link(channelId);

    expect(await wanted(channelId)).toEqual([]);
    await until(() => verificationsOf(topic).length === 1);

    // The hub is given a callback with the channel's secret token in its query string.
    const token = await tokenOf(channelId);
    expect(token).toMatch(TOKEN);
    expect(requestsOf(topic)).toEqual([
      {
        mode: 'subscribe',
        topic: `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${channelId}`,
        callback: callbackWith(token),
        secret: SECRETS.youtube,
        leaseSeconds: REQUESTED_LEASE_SECONDS,
        contentType: 'application/x-www-form-urlencoded',
      },
    ]);
    expect(verificationsOf(topic)).toEqual([{ mode: 'subscribe', topic, status: 200, verified: true }]);
    const item = await channelItem(channelId);
    expect(item).toMatchObject({
      channelId,
      topic,
      desired: 'subscribed',
      failures: 0,
      lease: {
        seconds: 432_000,
        grantedAt: NOW.toISOString(),
        expiresAt: new Date(NOW.getTime() + 432_000_000).toISOString(),
      },
      // Renewed a day before the lease ends.
      reviewAt: new Date(NOW.getTime() + 4 * DAY_MS).toISOString(),
      gsi2pk: RENEWAL_PARTITION,
    });
    expect(item?.pending).toBeUndefined();

    const status = await hub.publish(
      topic,
      youtubeFeed(youtubeEntry({ videoId: 'lifecycle001', channelId })),
    );
    expect(status).toBe(200);
    expect(
      bus.events.map((event) => [event.detailType, (event.detail as { videoId: string }).videoId]),
    ).toEqual([['Video Posted', 'lifecycle001']]);
  });

  it.each([
    ['less than asked for: the lease granted', 86_400, 86_400, DAY_MS / 2],
    ['ten years: the lease asked for', 315_360_000, REQUESTED_LEASE_SECONDS, 4 * DAY_MS],
  ])('a hub granting %s is recorded', async (_, granted, recorded, renewedAfterMs) => {
    hub.grantedLeaseSeconds = granted;
    const { channelId } = await subscribedChannel();

    expect(await channelItem(channelId)).toMatchObject({
      lease: { seconds: recorded, expiresAt: new Date(NOW.getTime() + recorded * 1000).toISOString() },
      // Renewed a day before the end, or half-way through a lease shorter than two days.
      reviewAt: new Date(NOW.getTime() + renewedAfterMs).toISOString(),
    });
  });

  it('does not ask the hub again for a duplicate event while the lease stands', async () => {
    const channelId = nextChannel();
    await link(channelId);
    await wanted(channelId);
    await until(() => verificationsOf(topicOfChannel(channelId)).length === 1);
    await wanted(channelId);
    await wanted(channelId);

    expect(requestsOf(topicOfChannel(channelId))).toHaveLength(1);
  });

  it('unlink → unsubscribe → verified: the hub drops the subscription and renewal forgets the channel', async () => {
    const { channelId, topic } = await subscribedChannel();

    await unlink(channelId);
    expect(await wanted(channelId)).toEqual([]);
    await until(() => verificationsOf(topic).length === 2);

    expect(requestsOf(topic).map((request) => request.mode)).toEqual(['subscribe', 'unsubscribe']);
    expect(verificationsOf(topic)[1]).toEqual({ mode: 'unsubscribe', topic, status: 200, verified: true });
    expect(hub.subscriptions.has(topic)).toBe(false);
    const item = await channelItem(channelId);
    expect(item).toMatchObject({ desired: 'unsubscribed' });
    expect([item?.lease, item?.pending, item?.gsi2pk, item?.gsi2sk]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);

    // Another event for the unlinked channel asks the hub nothing.
    await wanted(channelId);
    expect(requestsOf(topic)).toHaveLength(2);
  });

  it('a channel never linked is never subscribed', async () => {
    const channelId = nextChannel();
    expect(await wanted(channelId)).toEqual([]);
    expect(requestsOf(topicOfChannel(channelId))).toEqual([]);
    expect(await channelItem(channelId)).toBeUndefined();
  });

  it('hub down → the message fails and comes back after a growing delay, with the reason recorded; the retry subscribes', async () => {
    const channelId = nextChannel();
    const topic = topicOfChannel(channelId);
    await link(channelId);
    hub.down = true;
    const delaysBefore = retries.delays.length;

    const delivery = wantedDelivery(channelId);
    const event = await consumer(delivery, lambdaContext('youtubeSubscriptions'));
    expect(event.batchItemFailures).toHaveLength(1);
    expect(retries.delays.slice(delaysBefore)).toEqual([
      { receiptHandle: delivery.Records[0]?.receiptHandle, delaySeconds: HUB_RETRY_DELAYS_SECONDS[0] },
    ]);
    expect(await channelItem(channelId)).toMatchObject({
      failures: 1,
      lastFailure: expect.stringMatching(/answered 503 to subscribe: hub temporarily unavailable/),
      pending: { mode: 'subscribe', topic },
    });
    expect(JSON.stringify(await channelItem(channelId))).not.toContain(`hub.secret`);

    expect(await wanted(channelId, 2)).toHaveLength(1);
    expect((await channelItem(channelId))?.failures).toBe(2);
    expect(retries.delays.slice(delaysBefore).map((delay) => delay.delaySeconds)).toEqual(
      HUB_RETRY_DELAYS_SECONDS.slice(0, 2),
    );

    hub.down = false;
    expect(await wanted(channelId, 3)).toEqual([]);
    expect(retries.delays.length - delaysBefore).toBe(2);
    await until(() => hub.subscriptions.has(topic));
    expect(await channelItem(channelId)).toMatchObject({ failures: 0, lease: { seconds: 432_000 } });
    expect((await channelItem(channelId))?.lastFailure).toBeUndefined();
  });

  it('an unreachable hub fails the message as well', async () => {
    const channelId = nextChannel();
    await link(channelId);
    // A port nothing listens on any more: the loopback refuses the connection at once.
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const unreachable = subscriptionsHandler(`http://127.0.0.1:${closedPort}/subscribe`, () => 0.999);
    const delaysBefore = retries.delays.length;
    const response = await unreachable(wantedDelivery(channelId), lambdaContext('youtubeSubscriptions'));
    expect(response.batchItemFailures).toHaveLength(1);
    expect((await channelItem(channelId))?.lastFailure).toMatch(/unreachable for subscribe: ECONNREFUSED/);
    // Jittered up to +10% so that the channels of one outage do not all come back together.
    expect(retries.delays.slice(delaysBefore).map((delay) => delay.delaySeconds)).toEqual([32]);
  });

  it('on the last attempt, dead-letters the request with the hub’s answer instead of delaying it', async () => {
    const channelId = nextChannel();
    await link(channelId);
    hub.down = true;
    const sqs = await SqsRecorder.start();
    vi.stubEnv('DEAD_LETTER_QUEUE_URL', sqs.queueUrl('youtube-subscriptions-dlq'));
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', sqs.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('MAX_RECEIVE_COUNT', String(HUB_REQUEST_ATTEMPTS));
    try {
      const delaysBefore = retries.delays.length;
      expect(await wanted(channelId, HUB_REQUEST_ATTEMPTS)).toEqual([]);
      expect(retries.delays.length).toBe(delaysBefore);
      const [deadLettered] = sqs.ofAction('SendMessage');
      expect(deadLettered?.input).toMatchObject({
        QueueUrl: sqs.queueUrl('youtube-subscriptions-dlq'),
        MessageAttributes: {
          reason: {
            StringValue: expect.stringMatching(
              new RegExp(`gave up after ${HUB_REQUEST_ATTEMPTS} attempts: .*answered 503 to subscribe`),
            ),
          },
          errorType: { StringValue: 'HubRequestError' },
        },
      });
    } finally {
      vi.unstubAllEnvs();
      await sqs.close();
    }
  });

  it('lease about to expire → re-subscribed by the hourly renewal, and the new lease recorded', async () => {
    const channelId = nextChannel();
    const topic = topicOfChannel(channelId);
    await link(channelId);
    await wanted(channelId);
    await until(() => verificationsOf(topic).length === 1);

    // Three days on: nothing is due yet.
    clock.now = new Date(NOW.getTime() + 3 * DAY_MS);
    await renewal({}, lambdaContext('websubRenewal'));
    expect(
      bus.events.filter((event) => (event.detail as { channelId?: string }).channelId === channelId),
    ).toEqual([]);

    // Four days and an hour on, the lease ends within the day: the renewal hands the channel back.
    clock.now = new Date(NOW.getTime() + 4 * DAY_MS + 3_600_000);
    const run = await renewal({}, lambdaContext('websubRenewal'));
    const handedBack = bus.events.filter(
      (event) => (event.detail as { channelId?: string }).channelId === channelId,
    );
    expect(handedBack).toEqual([
      { origin: 'links', detailType: 'Channel Subscription Wanted', detail: { channelId } },
    ]);
    expect(run.truncated).toBe(false);

    expect(await wanted(channelId)).toEqual([]);
    await until(() => verificationsOf(topic).length === 2);
    expect(requestsOf(topic).map((request) => request.mode)).toEqual(['subscribe', 'subscribe']);
    expect(await channelItem(channelId)).toMatchObject({
      lease: { expiresAt: new Date(clock.now.getTime() + 432_000_000).toISOString() },
      reviewAt: new Date(clock.now.getTime() + 4 * DAY_MS).toISOString(),
    });

    // Renewed: the next run finds nothing for it.
    bus.clear();
    await renewal({}, lambdaContext('websubRenewal'));
    expect(
      bus.events.filter((event) => (event.detail as { channelId?: string }).channelId === channelId),
    ).toEqual([]);
  });

  it('one callback token per subscription: kept by its renewal, named by its unsubscribe', async () => {
    const { channelId, topic } = await subscribedChannel();
    const token = await tokenOf(channelId);
    expect(token).toMatch(TOKEN);

    clock.now = new Date(NOW.getTime() + 4 * DAY_MS + 3_600_000);
    await wanted(channelId);
    await until(() => verificationsOf(topic).length === 2);
    await unlink(channelId);
    await wanted(channelId);
    await until(() => verificationsOf(topic).length === 3);

    expect(requestsOf(topic).map((request) => [request.mode, request.callback])).toEqual([
      ['subscribe', callbackWith(token)],
      ['subscribe', callbackWith(token)],
      ['unsubscribe', callbackWith(token)],
    ]);
    expect(verificationsOf(topic).map((verification) => verification.status)).toEqual([200, 200, 200]);
    // The hub keys a subscription by topic and callback: only the same callback ends it.
    expect(hub.subscriptions.has(topic)).toBe(false);
    expect(await tokenOf(channelId)).toBe(token);
  });

  it('a channel subscribed before callbacks carried a token gets one at its renewal', async () => {
    const { channelId, topic } = await subscribedChannel();
    // The item as ReelHire wrote it before tokens.
    await dynamo.documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: channelKey(channelId),
        UpdateExpression: 'REMOVE callbackToken',
      }),
    );
    const legacyToken = await tokenOf(channelId);

    clock.now = new Date(NOW.getTime() + 4 * DAY_MS + 3_600_000);
    await wanted(channelId);
    await until(() => verificationsOf(topic).length === 2);

    const token = await tokenOf(channelId);
    expect([legacyToken, token]).toEqual([undefined, expect.stringMatching(TOKEN)]);
    expect(requestsOf(topic)[1]?.callback).toBe(callbackWith(token));
    expect(verificationsOf(topic)[1]).toEqual({ mode: 'subscribe', topic, status: 200, verified: true });
    expect(await channelItem(channelId)).toMatchObject({
      lease: { expiresAt: new Date(clock.now.getTime() + 432_000_000).toISOString() },
    });
  });

  it('a subscribe the hub never verified is asked again by the renewal an hour later', async () => {
    const { channelId, topic } = await pendingChannel();
    expect(requestsOf(topic)).toHaveLength(1);

    clock.now = new Date(NOW.getTime() + 3_600_001);
    await renewal({}, lambdaContext('websubRenewal'));
    expect(bus.events.some((event) => (event.detail as { channelId?: string }).channelId === channelId)).toBe(
      true,
    );
    await wanted(channelId);
    expect(requestsOf(topic)).toHaveLength(2);

    // A verification names no request: the first to arrive confirms the pending subscribe (the same intent),
    // and the second finds nothing pending any more. The hub keeps the verified subscription.
    await hub.releaseVerifications();
    expect(verificationsOf(topic).map((verification) => verification.status)).toEqual([200, 404]);
    expect(hub.subscriptions.has(topic)).toBe(true);
    expect(await channelItem(channelId)).toMatchObject({ lease: { seconds: 432_000 } });
  });

  it('unlinked before the hub verified: the subscribe is refused (404), the unsubscribe confirmed', async () => {
    const { channelId, topic } = await pendingChannel();
    await unlink(channelId);
    await wanted(channelId);
    await hub.releaseVerifications();

    expect(verificationsOf(topic)).toEqual([
      { mode: 'subscribe', topic, status: 404, verified: false },
      { mode: 'unsubscribe', topic, status: 200, verified: true },
    ]);
    expect(hub.subscriptions.has(topic)).toBe(false);
  });

  it('relinked while an unsubscribe is pending: the unsubscribe is refused and the channel stays subscribed', async () => {
    const { channelId, topic } = await subscribedChannel();

    hub.holdVerifications = true;
    await unlink(channelId);
    await wanted(channelId);
    await link(channelId, 'prof_other', 1);
    await wanted(channelId);
    await hub.releaseVerifications();

    expect(
      verificationsOf(topic)
        .slice(1)
        .map((verification) => [verification.mode, verification.status]),
    ).toEqual([
      ['unsubscribe', 404],
      ['subscribe', 200],
    ]);
    expect(hub.subscriptions.has(topic)).toBe(true);
    expect(await channelItem(channelId)).toMatchObject({
      desired: 'subscribed',
      lease: { seconds: 432_000 },
    });
  });
});

describe('GET /webhooks/youtube: only ReelHire’s own pending requests are confirmed', () => {
  const verify = async (query: Record<string, string>) =>
    fetch(`${callback.url}/webhooks/youtube?${new URLSearchParams(query)}`);

  it('a challenge for a topic never asked for → 404', async () => {
    const response = await verify({
      'hub.mode': 'subscribe',
      'hub.topic': topicOfChannel('UCnever-asked-for'),
      'hub.challenge': 'challenge-1',
      'hub.lease_seconds': '432000',
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.text()).not.toContain('challenge-1');
  });

  it('a forged subscribe while ReelHire’s is pending is refused and changes nothing; the hub’s own then verifies', async () => {
    const { channelId, topic } = await pendingChannel();
    const before = await channelItem(channelId);
    const token = String(await tokenOf(channelId));

    // Channel ids are public: anyone can name the topic, ask for ten years, and guess at the token.
    const forged = {
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.challenge': 'forged-challenge',
      'hub.lease_seconds': '315360000',
    };
    const answers = [
      await verify(forged),
      await verify({ ...forged, [CALLBACK_TOKEN_PARAMETER]: '' }),
      await verify({ ...forged, [CALLBACK_TOKEN_PARAMETER]: newCallbackToken() }),
      await verify({ ...forged, [CALLBACK_TOKEN_PARAMETER]: token.slice(0, -1) }),
      await verify({ ...forged, [CALLBACK_TOKEN_PARAMETER]: `${token}A` }),
      // The right token does not make another topic or mode the pending request.
      await verify({ ...forged, [CALLBACK_TOKEN_PARAMETER]: token, 'hub.mode': 'unsubscribe' }),
      await verify({
        ...forged,
        [CALLBACK_TOKEN_PARAMETER]: token,
        'hub.topic': topicOfChannel(nextChannel()),
      }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    for (const answer of answers) expect(await answer.text()).not.toContain('forged-challenge');
    expect(await channelItem(channelId)).toEqual(before);

    await hub.releaseVerifications();
    expect(verificationsOf(topic)).toEqual([{ mode: 'subscribe', topic, status: 200, verified: true }]);
    expect(hub.subscriptions.has(topic)).toBe(true);
    expect(await channelItem(channelId)).toMatchObject({
      lease: { seconds: REQUESTED_LEASE_SECONDS },
      failures: 0,
    });
  });

  it('a forged denial is refused and keeps the pending subscribe, which the hub then verifies', async () => {
    const { channelId, topic } = await pendingChannel();
    const before = await channelItem(channelId);

    const denial = { 'hub.mode': 'denied', 'hub.topic': topic, 'hub.reason': 'forged' };
    const answers = [
      await verify(denial),
      await verify({ ...denial, [CALLBACK_TOKEN_PARAMETER]: newCallbackToken() }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([404, 404]);
    expect(await channelItem(channelId)).toEqual(before);

    await hub.releaseVerifications();
    expect(verificationsOf(topic)).toEqual([{ mode: 'subscribe', topic, status: 200, verified: true }]);
    expect(hub.subscriptions.has(topic)).toBe(true);
  });

  it('refuses a challenge of the other mode, a replay once verified, and a topic that only looks alike', async () => {
    const { channelId, topic } = await pendingChannel();

    const token = { [CALLBACK_TOKEN_PARAMETER]: String(await tokenOf(channelId)) };
    const wrongMode = await verify({
      ...token,
      'hub.mode': 'unsubscribe',
      'hub.topic': topic,
      'hub.challenge': 'c1',
    });
    const lookalike = await verify({
      ...token,
      'hub.mode': 'subscribe',
      'hub.topic': `${topic}&x=1`,
      'hub.challenge': 'c2',
    });
    const right = await verify({
      ...token,
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.challenge': 'c3',
      'hub.lease_seconds': '600',
    });
    const replay = await verify({
      ...token,
      'hub.mode': 'subscribe',
      'hub.topic': topic,
      'hub.challenge': 'c4',
      'hub.lease_seconds': '600',
    });

    expect([wrongMode.status, lookalike.status, right.status, replay.status]).toEqual([404, 404, 200, 404]);
    expect(right.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await right.text()).toBe('c3');
    expect((await channelItem(channelId))?.lease).toMatchObject({ seconds: 600 });
    await hub.releaseVerifications();
  });

  it('records the hub’s denial of a pending subscribe (with the token) as a failure and answers 200', async () => {
    const { channelId, topic } = await pendingChannel();

    const denied = await verify({
      [CALLBACK_TOKEN_PARAMETER]: String(await tokenOf(channelId)),
      'hub.mode': 'denied',
      'hub.topic': topic,
      'hub.reason': 'topic not found',
    });
    expect(denied.status).toBe(200);
    expect(await channelItem(channelId)).toMatchObject({
      failures: 1,
      lastFailure: 'denied by the hub: topic not found',
    });
    expect((await channelItem(channelId))?.pending).toBeUndefined();
    await hub.releaseVerifications();
  });
});
