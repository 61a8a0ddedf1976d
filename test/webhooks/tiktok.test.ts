import { describe, expect, it, vi } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { apiGatewayRequest } from './support/api-gateway.ts';
import { tiktokEnvelope, tiktokRequest } from './support/deliveries.ts';
import { bodyOf, NOW_SECONDS, SECRETS, useLocalSecrets, useWebhookHarness } from './support/harness.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const harness = useWebhookHarness();

let postCounter = 0;
const nextPostId = () => `73999900000000${String(++postCounter).padStart(5, '0')}`;

describe('POST /webhooks/tiktok: the event mapping', () => {
  it('maps post.publish.publicly_available to Video Posted', async () => {
    const postId = nextPostId();
    const envelope = tiktokEnvelope('post.publish.publicly_available', {
      publish_id: 'v_pub_url~v2.7399990000000000001',
      publish_type: 'DIRECT_PUBLISH',
      post_id: postId,
    });
    const response = await harness.invoke(tiktokRequest(JSON.stringify(envelope)));

    expect(response.statusCode).toBe(200);
    expect(harness.bus.events).toEqual([
      {
        origin: 'tiktok',
        detailType: EVENTS.videoPosted.detailType,
        detail: {
          platform: 'tiktok',
          videoId: postId,
          accountId: 'act.example-openid-maya',
          postedAt: new Date((NOW_SECONDS - 5) * 1000).toISOString().replace('.000Z', 'Z'),
        },
      },
    ]);
    expect(harness.metrics).toEqual(['TikTokWebhookAccepted']);
  });

  it.each(['post.publish.no_longer_publicaly_available', 'post.publish.no_longer_publicly_available'])(
    'maps %s to Video Removed (reason unavailable)',
    async (event) => {
      const postId = nextPostId();
      const envelope = tiktokEnvelope(event, { publish_id: 'v_pub_url~v2.1', post_id: postId });
      const response = await harness.invoke(tiktokRequest(JSON.stringify(envelope)));

      expect(response.statusCode).toBe(200);
      expect(harness.bus.events.map((published) => [published.detailType, published.detail])).toEqual([
        [
          'Video Removed',
          { platform: 'tiktok', videoId: postId, reason: 'unavailable', removedAt: '2026-11-22T09:59:55Z' },
        ],
      ]);
    },
  );

  it('maps authorization.removed to Account Disconnected with the reason as a string', async () => {
    const envelope = tiktokEnvelope(
      'authorization.removed',
      { reason: 4 },
      { user_openid: 'act.banned-creator' },
    );
    const response = await harness.invoke(tiktokRequest(JSON.stringify(envelope)));

    expect(response.statusCode).toBe(200);
    expect(harness.bus.events.map((published) => published.detail)).toEqual([
      {
        platform: 'tiktok',
        accountId: 'act.banned-creator',
        reason: '4',
        disconnectedAt: '2026-11-22T09:59:55Z',
      },
    ]);
  });

  it.each([
    ['post.publish.failed', { publish_id: 'v_pub_url~v2.2', reason: 'file_format_check_failed' }],
    ['post.publish.complete', { publish_id: 'v_pub_url~v2.3' }],
    ['video.publish.completed', { share_id: 'video.6974245311675353080.VDCxrcMJ' }],
    ['portability.download.ready', { request_id: 42 }],
  ])('answers 200 to %s, publishes nothing and counts it as ignored', async (event, content) => {
    const response = await harness.invoke(tiktokRequest(JSON.stringify(tiktokEnvelope(event, content))));

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ status: 'ignored' });
    expect(harness.bus.events).toEqual([]);
    expect(harness.metrics).toEqual(['TikTokWebhookIgnored']);
  });

  it('answers a redelivery of the same body 200 without publishing again', async () => {
    const body = JSON.stringify(tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() }));
    const first = await harness.invoke(tiktokRequest(body));
    // TikTok signs each retry anew: a later timestamp, the same body.
    const retry = await harness.invoke(tiktokRequest(body, { timestamp: NOW_SECONDS + 30 }));

    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(bodyOf(retry)).toEqual({ status: 'duplicate' });
    expect(harness.bus.events).toHaveLength(1);
  });

  it('accepts a post id sent as a JSON number only when JSON carries it exactly', async () => {
    const exact = tiktokEnvelope('post.publish.publicly_available', { post_id: 7_399_990_001 });
    const inexact = `{"client_key":"k","event":"post.publish.publicly_available","create_time":${NOW_SECONDS},"user_openid":"act.x","content":"{\\"post_id\\":7399990000000000001}"}`;

    expect((await harness.invoke(tiktokRequest(JSON.stringify(exact)))).statusCode).toBe(200);
    const refused = await harness.invoke(tiktokRequest(inexact));
    expect(refused.statusCode).toBe(400);
    expect(harness.bus.events.map((published) => (published.detail as { videoId: string }).videoId)).toEqual([
      '7399990001',
    ]);
  });
});

describe('POST /webhooks/tiktok: refusals, in the contract order', () => {
  const validBody = () =>
    JSON.stringify(tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() }));

  it.each([
    ['no signature header', (body: string) => tiktokRequest(body, { signature: '' })],
    [
      'a signature made with another secret',
      (body: string) => tiktokRequest(body, { secret: 'not-the-secret' }),
    ],
    ['a signature without t=', (body: string) => tiktokRequest(body, { signature: `s=${'0'.repeat(64)}` })],
    [
      'a truncated signature',
      (body: string) => tiktokRequest(body, { signature: `t=${NOW_SECONDS},s=abcd` }),
    ],
    ['a timestamp 301 s old', (body: string) => tiktokRequest(body, { timestamp: NOW_SECONDS - 301 })],
    ['a timestamp 301 s ahead', (body: string) => tiktokRequest(body, { timestamp: NOW_SECONDS + 301 })],
  ])('answers 401 problem+json to %s and publishes nothing', async (_, requestOf) => {
    const response = await harness.invoke(requestOf(validBody()));

    expect(response.statusCode).toBe(401);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
    expect(harness.bus.events).toEqual([]);
  });

  it.each([
    ['an open id', { user_openid: 'act.maya\ud800' }, {}, /detail\.accountId: must be well-formed Unicode/],
    ['a post id', {}, { post_id: '7399990000\udfff' }, /detail\.videoId: must be well-formed Unicode/],
  ])(
    'answers 400 to %s that is not well-formed Unicode (it would collide once UTF-8)',
    async (_, envelope, content, detail) => {
      const body = JSON.stringify(
        tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId(), ...content }, envelope),
      );
      const response = await harness.invoke(tiktokRequest(body));

      expect(response.statusCode).toBe(400);
      expect((bodyOf(response) as { detail: string }).detail).toMatch(detail);
      expect(harness.bus.events).toEqual([]);
    },
  );

  it('accepts timestamps exactly 300 s away, either way', async () => {
    const old = await harness.invoke(tiktokRequest(validBody(), { timestamp: NOW_SECONDS - 300 }));
    const ahead = await harness.invoke(tiktokRequest(validBody(), { timestamp: NOW_SECONDS + 300 }));
    expect([old.statusCode, ahead.statusCode]).toEqual([200, 200]);
  });

  it('says 401 for a wrong signature on a stale timestamp, before looking at the body', async () => {
    const response = await harness.invoke(
      tiktokRequest('not json at all', { secret: 'wrong', timestamp: NOW_SECONDS - 1000 }),
    );
    expect(response.statusCode).toBe(401);
  });

  it.each([
    ['a body that is not JSON', '{"event":', /not valid JSON/],
    [
      'an envelope without user_openid',
      JSON.stringify({ client_key: 'k', event: 'x', create_time: 1, content: '{}' }),
      /user_openid/,
    ],
    [
      'content that is not a JSON string',
      JSON.stringify({ ...tiktokEnvelope('post.publish.publicly_available', {}), content: { post_id: '1' } }),
      /content/,
    ],
    [
      'a posted event without post_id',
      JSON.stringify(tiktokEnvelope('post.publish.publicly_available', {})),
      /content\.post_id/,
    ],
    [
      'an open id over 128 characters',
      JSON.stringify(
        tiktokEnvelope('post.publish.publicly_available', { post_id: '1' }, { user_openid: 'a'.repeat(129) }),
      ),
      /accountId/,
    ],
    [
      'content nested 40 levels deep',
      JSON.stringify(
        tiktokEnvelope('authorization.removed', {}, { content: `${'['.repeat(40)}${']'.repeat(40)}` }),
      ),
      /nested deeper/,
    ],
  ])('answers 400 naming the problem for %s', async (_, body, detail) => {
    const response = await harness.invoke(tiktokRequest(body));

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect((bodyOf(response) as { detail: string }).detail).toMatch(detail);
    expect(harness.bus.events).toEqual([]);
  });

  it('answers 413 to a body over 256 KiB before checking its signature', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(262_144) });
    const response = await harness.invoke(tiktokRequest(body, { signature: 'garbage' }));
    expect(response.statusCode).toBe(413);
    expect(harness.bus.events).toEqual([]);
  });

  it('accepts a body of exactly 256 KiB (then judges it on its merits)', async () => {
    const envelope = JSON.stringify(
      tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() }),
    );
    const body = `${envelope}${' '.repeat(262_144 - Buffer.byteLength(envelope))}`;
    expect(Buffer.byteLength(body)).toBe(262_144);
    expect((await harness.invoke(tiktokRequest(body))).statusCode).toBe(200);
  });

  it('reads a base64-encoded body byte for byte', async () => {
    const body = Buffer.from(
      JSON.stringify(tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() })),
    );
    const request = apiGatewayRequest({
      method: 'POST',
      path: '/webhooks/tiktok',
      headers: { 'tiktok-signature': tiktokRequest(body.toString()).headers['tiktok-signature']! },
      body,
    });
    expect(request.isBase64Encoded).toBe(true);
    expect((await harness.invoke(request)).statusCode).toBe(200);
  });
});

describe('POST /webhooks/tiktok: secret rotation', () => {
  it('accepts signatures made with either the new or the old client secret during a rotation', async () => {
    useLocalSecrets({ tiktok: `tiktok-new-secret ${SECRETS.tiktok}` });
    const withOld = JSON.stringify(
      tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() }),
    );
    const withNew = JSON.stringify(
      tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() }),
    );

    expect((await harness.invoke(tiktokRequest(withOld))).statusCode).toBe(200);
    expect((await harness.invoke(tiktokRequest(withNew, { secret: 'tiktok-new-secret' }))).statusCode).toBe(
      200,
    );
    expect(harness.bus.events).toHaveLength(2);
  });

  it('refuses the old secret once it has been retired', async () => {
    useLocalSecrets({ tiktok: 'tiktok-new-secret' });
    const body = JSON.stringify(tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() }));
    expect((await harness.invoke(tiktokRequest(body))).statusCode).toBe(401);
  });
});
