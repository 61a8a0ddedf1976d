import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import { signContra, standardWebhooksKey } from '#webhooks/contra.ts';
import { anySignatureMatches, base64Bytes, hexBytes, parseUnixSeconds } from '#webhooks/signatures.ts';
import { parseTikTokSignature, signTikTok } from '#webhooks/tiktok.ts';
import { signYouTube } from '#webhooks/youtube.ts';
import { NOW, NOW_SECONDS } from '../../local/testing/platform-deliveries.ts';
import { apiGatewayRequest } from '../support/aws-inputs.ts';
import { SECRETS, useWebhookHarness } from '../support/webhook-harness.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const harness = useWebhookHarness();

/** Expected values computed independently with `openssl dgst -hmac` (see each comment). */
describe('signature vectors', () => {
  it('TikTok: hex HMAC-SHA256 of "<t>.<raw body>" keyed with the client secret', () => {
    const body =
      '{"client_key":"aw1kq3x9reelhire","event":"authorization.removed","create_time":1700000000,"user_openid":"act.example","content":"{\\"reason\\":1}"}';
    // printf '%s' "1700000000.$body" | openssl dgst -sha256 -hmac tiktok-test-client-secret
    expect(signTikTok(SECRETS.tiktok, 1_700_000_000, body)).toBe(
      't=1700000000,s=452edb586a280913e1c635ca9ee7e28a1cc9d025b448ec37e9766199c8e6eb13',
    );
  });

  it('YouTube: X-Hub-Signature sha1= and sha256= of the raw body keyed with the hub secret', () => {
    const body = '<feed xmlns="http://www.w3.org/2005/Atom"></feed>';
    // printf '%s' "$body" | openssl dgst -sha1 -hmac youtube-test-hub-secret (and -sha256)
    expect(signYouTube(SECRETS.youtube, body, 'sha1')).toBe('sha1=74cce8689db1079e8bf9c7457280656077bdc402');
    expect(signYouTube(SECRETS.youtube, body, 'sha256')).toBe(
      'sha256=8eb4725353bc56712beed234a4948c924c6c289c6d3e8e8c2440dc10d22c4366',
    );
  });

  it('Standard Webhooks: the specification example vector', () => {
    // openssl dgst -sha256 -mac HMAC -macopt hexkey:<base64-decoded secret> -binary | base64
    expect(
      signContra(SECRETS.contra, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1_614_265_330, '{"test": 2432232314}'),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('Standard Webhooks: agrees with the standardwebhooks library on random deliveries', () => {
    const library = new Webhook(SECRETS.contra);
    for (let index = 0; index < 50; index++) {
      const id = `msg_${index}_${Math.random().toString(36).slice(2)}`;
      const at = new Date(NOW.getTime() + index * 7_919_000);
      const body = JSON.stringify({ type: 'job.closed', data: { n: index, text: 'é✓\u0000' } });
      expect(signContra(SECRETS.contra, id, Math.floor(at.getTime() / 1000), body)).toBe(
        library.sign(id, at, body),
      );
    }
  });

  it('reads the whsec_ key with or without its prefix, and refuses a key that is not base64', () => {
    expect(standardWebhooksKey(SECRETS.contra)).toEqual(
      standardWebhooksKey(SECRETS.contra.slice('whsec_'.length)),
    );
    expect(() => standardWebhooksKey('whsec_not base64!')).toThrow(/whsec_/);
  });
});

describe('comparisons', () => {
  it('matches any expected signature against any provided one, lengths differing or not', () => {
    const a = Buffer.alloc(32, 1);
    const b = Buffer.alloc(32, 2);
    expect(anySignatureMatches([a, b], [Buffer.alloc(32, 2)])).toBe(true);
    expect(anySignatureMatches([a], [Buffer.alloc(32, 3), Buffer.alloc(31, 1), Buffer.alloc(33, 1)])).toBe(
      false,
    );
    expect(anySignatureMatches([a], [])).toBe(false);
  });

  it('refuses hex and base64 that Buffer.from would silently truncate', () => {
    expect(hexBytes('zz'.repeat(32), 32)).toBeUndefined();
    expect(hexBytes('ab'.repeat(31), 32)).toBeUndefined();
    expect(hexBytes(`zz${'ab'.repeat(31)}`, 32)).toBeUndefined();
    expect(hexBytes(`${'ab'.repeat(31)}zz`, 32)).toBeUndefined();
    expect(hexBytes('AB'.repeat(32), 32)).toEqual(Buffer.alloc(32, 0xab));
    expect(base64Bytes('abc$')).toBeUndefined();
    expect(base64Bytes('')).toBeUndefined();
    expect(base64Bytes('YWJj')).toEqual(Buffer.from('abc'));
    expect(base64Bytes('YWJjZA==')).toEqual(Buffer.from('abcd'));
    // A length that is not a multiple of 4 is not base64 as Standard Webhooks writes it.
    expect(base64Bytes('YWJjZA')).toBeUndefined();
    expect(base64Bytes('YWJjZ')).toBeUndefined();
    expect(base64Bytes('!!!!YWJj')).toBeUndefined();
    expect(base64Bytes('YWJj!!!!')).toBeUndefined();
  });

  it('reads unix seconds as 1 to 12 digits, keeping the text as sent', () => {
    expect(parseUnixSeconds('0123')).toEqual({ text: '0123', seconds: 123 });
    expect(parseUnixSeconds('999999999999')).toEqual({ text: '999999999999', seconds: 999_999_999_999 });
    for (const refused of [undefined, '', '1234567890123', '12a', ' 12', '1e9', '-1'])
      expect(parseUnixSeconds(refused), String(refused)).toBeUndefined();
  });

  it('parses a TikTok signature header with several s= entries and ignores unknown parts', () => {
    const parsed = parseTikTokSignature(`t=1700000000,v=2,s=${'ab'.repeat(32)},s=${'cd'.repeat(32)},s=short`);
    expect(parsed?.timestamp).toEqual({ text: '1700000000', seconds: 1_700_000_000 });
    expect(parsed?.signatures.map((signature) => signature.toString('hex'))).toEqual([
      'ab'.repeat(32),
      'cd'.repeat(32),
    ]);
    expect(parseTikTokSignature('t=1e9,s=00')).toBeUndefined();
    expect(parseTikTokSignature(undefined)).toBeUndefined();
    // Only s= carries signatures; a part without `=` is skipped, not read as t.
    expect(parseTikTokSignature(`t=1700000000,x=${'ab'.repeat(32)}`)?.signatures).toEqual([]);
    expect(parseTikTokSignature(`t=1700000000,s=${'ab'.repeat(32)},tz`)?.timestamp.seconds).toBe(
      1_700_000_000,
    );
  });
});

describe('the HMACs cover the timestamp header as sent, not the number it parses to', () => {
  const tiktok = (body: string, header: string) =>
    harness.invoke(
      apiGatewayRequest({
        method: 'POST',
        path: '/webhooks/tiktok',
        headers: { 'content-type': 'application/json', 'tiktok-signature': header },
        body,
      }),
    );
  const contra = (body: string, id: string, timestamp: string, signature: string) =>
    harness.invoke(
      apiGatewayRequest({
        method: 'POST',
        path: '/webhooks/contra',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': timestamp,
          'webhook-signature': signature,
        },
        body,
      }),
    );
  const padded = `00${NOW_SECONDS}`;
  const posted = (postId: string) =>
    JSON.stringify({
      client_key: 'k',
      event: 'post.publish.publicly_available',
      create_time: NOW_SECONDS,
      user_openid: 'act.timestamp-text',
      content: JSON.stringify({ post_id: postId }),
    });
  const closed = (jobId: string) =>
    JSON.stringify({ type: 'job.closed', data: { jobId, version: 2, closedAt: '2026-11-22T09:00:00Z' } });

  it('TikTok: t= rewritten with leading zeros no longer verifies with the signature of the digits', async () => {
    const body = posted('7399990000000077001');
    const signed = signTikTok(SECRETS.tiktok, NOW_SECONDS, body);
    const rewritten = signed.replace(`t=${NOW_SECONDS}`, `t=${padded}`);
    const response = await tiktok(body, rewritten);
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(String(response.body))).toMatchObject({
      detail: 'TikTok-Signature does not match the body',
    });
    expect(harness.bus.events).toEqual([]);
  });

  it('TikTok: a t= signed as sent verifies, leading zeros and all', async () => {
    const body = posted('7399990000000077002');
    expect((await tiktok(body, signTikTok(SECRETS.tiktok, padded, body))).statusCode).toBe(200);
    expect(harness.bus.events).toHaveLength(1);
  });

  it('Standard Webhooks: a webhook-timestamp rewritten with leading zeros no longer verifies', async () => {
    const body = closed('job_timestamp_text_1');
    const signature = signContra(SECRETS.contra, 'msg_timestamp_text_1', NOW_SECONDS, body);
    const response = await contra(body, 'msg_timestamp_text_1', padded, signature);
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(String(response.body))).toMatchObject({ detail: 'webhook-signature does not match' });
    expect(harness.bus.events).toEqual([]);
  });

  it('Standard Webhooks: a webhook-timestamp signed as sent verifies', async () => {
    const body = closed('job_timestamp_text_2');
    const signature = signContra(SECRETS.contra, 'msg_timestamp_text_2', padded, body);
    expect((await contra(body, 'msg_timestamp_text_2', padded, signature)).statusCode).toBe(200);
    expect(harness.bus.events).toHaveLength(1);
  });
});

describe('POST /webhooks/contra accepts what the standardwebhooks library signs', () => {
  const jobClosed = JSON.stringify({
    type: 'job.closed',
    data: { jobId: 'job_brand_refresh', version: 2, closedAt: '2026-11-22T09:00:00Z' },
  });

  it('with the library as the sender', async () => {
    const signature = new Webhook(SECRETS.contra).sign('msg_library_1', NOW, jobClosed);
    const response = await harness.invoke(
      apiGatewayRequest({
        method: 'POST',
        path: '/webhooks/contra',
        headers: {
          'webhook-id': 'msg_library_1',
          'webhook-timestamp': String(NOW_SECONDS),
          'webhook-signature': signature,
        },
        body: jobClosed,
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(harness.bus.events).toHaveLength(1);
  });

  it('and the library verifies what ReelHire would send (the CLI trigger signs the same way)', () => {
    const headers = {
      'webhook-id': 'msg_library_2',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': signContra(
        SECRETS.contra,
        'msg_library_2',
        Math.floor(Date.now() / 1000),
        jobClosed,
      ),
    };
    expect(new Webhook(SECRETS.contra).verify(jobClosed, headers)).toEqual(JSON.parse(jobClosed));
  });
});
