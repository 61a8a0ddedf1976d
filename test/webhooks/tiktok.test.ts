import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { readTikTokDelivery, signTikTok } from '#webhooks/tiktok.ts';
import { NOW_SECONDS, tiktokEnvelope } from '../../local/testing/platform-deliveries.ts';
import { apiGatewayRequest } from '../support/aws-inputs.ts';
import { tiktokRequest } from '../support/signed-requests.ts';
import { bodyOf, SECRETS, useLocalSecrets, useWebhookHarness } from '../support/webhook-harness.ts';

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

describe('POST /webhooks/tiktok: create_time', () => {
  it.each([
    [
      'digits in a string',
      `${NOW_SECONDS}`,
      new Date(NOW_SECONDS * 1000).toISOString().replace('.000Z', 'Z'),
    ],
    ['two digits', '17', '1970-01-01T00:00:17Z'],
    ['the last second RFC 3339 writes', '253402300799', '9999-12-31T23:59:59Z'],
  ])('takes %s', async (_, createTime, postedAt) => {
    const envelope = tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() });
    const body = JSON.stringify({ ...envelope, create_time: createTime });
    expect((await harness.invoke(tiktokRequest(body))).statusCode).toBe(200);
    expect(
      harness.bus.events.map((published) => (published.detail as { postedAt: string }).postedAt),
    ).toEqual([postedAt]);
  });

  it.each([
    ['after 9999', '253402300800'],
    ['with letters after', '17x'],
    ['with letters before', 'x17'],
    ['in exponent form', '1e9'],
    ['of 13 digits', '1700000000000'],
  ])('refuses one %s (400 naming it)', async (_, createTime) => {
    const envelope = tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() });
    const response = await harness.invoke(
      tiktokRequest(JSON.stringify({ ...envelope, create_time: createTime })),
    );
    expect(response.statusCode).toBe(400);
    expect((bodyOf(response) as { detail: string }).detail).toMatch(
      /^not a TikTok webhook envelope: body\.create_time: /,
    );
    expect(harness.bus.events).toEqual([]);
  });
});

describe('POST /webhooks/tiktok: bodies that are not what TikTok sends', () => {
  it.each([
    ['an array', '[]', 'not a TikTok webhook envelope: body: Invalid input: expected object, received array'],
    [
      'content that is JSON but not an object',
      JSON.stringify(tiktokEnvelope('post.publish.publicly_available', [])),
      'post.publish.publicly_available: content: not a JSON object',
    ],
  ])('answers 400 to %s, saying what is wrong', async (_, body, detail) => {
    const response = await harness.invoke(tiktokRequest(body));
    expect(response.statusCode).toBe(400);
    expect((bodyOf(response) as { detail: string }).detail).toBe(detail);
  });

  it('names every missing field of the envelope', async () => {
    const response = await harness.invoke(tiktokRequest('{}'));
    expect((bodyOf(response) as { detail: string }).detail).toMatch(
      /^not a TikTok webhook envelope: body\.client_key: .*; body\.event: .*; body\.create_time: .*; body\.user_openid: .*; body\.content: /,
    );
  });

  it('reads a delivery into its event, keyed for deduplication by the SHA-256 of the raw body', () => {
    const body = JSON.stringify(tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() }));
    const signature = signTikTok(SECRETS.tiktok, NOW_SECONDS, body);
    const verdict = readTikTokDelivery(
      {
        body: Buffer.from(body),
        header: (name) => (name.toLowerCase() === 'tiktok-signature' ? signature : undefined),
      },
      [SECRETS.tiktok],
      new Date(NOW_SECONDS * 1000),
    );
    expect(verdict).toMatchObject({
      kind: 'deliver',
      deliveryKey: createHash('sha256').update(body).digest('hex'),
      events: [{ detailType: 'Video Posted' }],
    });
  });
});

describe('POST /webhooks/tiktok: refusals, in the contract order', () => {
  const validBody = () =>
    JSON.stringify(tiktokEnvelope('post.publish.publicly_available', { post_id: nextPostId() }));

  const NOT_A_SIGNATURE = 'TikTok-Signature is not t=<unix seconds>,s=<hex HMAC-SHA256>';
  const MISMATCH = 'TikTok-Signature does not match the body';
  const STALE = 'timestamp is more than 300 s away from now';
  it.each([
    [
      'no signature header',
      (body: string) => {
        const { 'tiktok-signature': _, ...headers } = tiktokRequest(body).headers;
        return { ...tiktokRequest(body), headers };
      },
      'missing TikTok-Signature header',
    ],
    ['an empty signature header', (body: string) => tiktokRequest(body, { signature: '' }), NOT_A_SIGNATURE],
    [
      'a signature made with another secret',
      (body: string) => tiktokRequest(body, { secret: 'not-the-secret' }),
      MISMATCH,
    ],
    [
      'a signature without t=',
      (body: string) => tiktokRequest(body, { signature: `s=${'0'.repeat(64)}` }),
      NOT_A_SIGNATURE,
    ],
    [
      'a truncated signature',
      (body: string) => tiktokRequest(body, { signature: `t=${NOW_SECONDS},s=abcd` }),
      NOT_A_SIGNATURE,
    ],
    [
      'a signature of another timestamp',
      (body: string) =>
        tiktokRequest(body, {
          signature: signTikTok(SECRETS.tiktok, NOW_SECONDS - 1, body).replace(
            `t=${NOW_SECONDS - 1}`,
            `t=${NOW_SECONDS}`,
          ),
        }),
      MISMATCH,
    ],
    ['a timestamp 301 s old', (body: string) => tiktokRequest(body, { timestamp: NOW_SECONDS - 301 }), STALE],
    [
      'a timestamp 301 s ahead',
      (body: string) => tiktokRequest(body, { timestamp: NOW_SECONDS + 301 }),
      STALE,
    ],
    [
      'a timestamp of 13 digits',
      (body: string) =>
        tiktokRequest(body, { signature: signTikTok(SECRETS.tiktok, `0${NOW_SECONDS}00`, body) }),
      NOT_A_SIGNATURE,
    ],
  ])('answers 401 problem+json to %s, saying why, and publishes nothing', async (_, requestOf, reason) => {
    const response = await harness.invoke(requestOf(validBody()));

    expect(response.statusCode).toBe(401);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(bodyOf(response)).toMatchObject({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: reason,
    });
    expect(harness.bus.events).toEqual([]);
  });

  it('reads the signature header with spaces around its parts, and skips parts it does not know', async () => {
    const body = validBody();
    const [t, s] = signTikTok(SECRETS.tiktok, NOW_SECONDS, body).split(',');
    const response = await harness.invoke(tiktokRequest(body, { signature: ` ${t} , v1 , k=v, ${s} ` }));
    expect(response.statusCode).toBe(200);
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
