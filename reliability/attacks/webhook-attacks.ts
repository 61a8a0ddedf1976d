import { randomBytes, randomInt } from 'node:crypto';
import { signContra } from '#webhooks/contra.ts';
import { signTikTok } from '#webhooks/tiktok.ts';
import { signYouTube } from '#webhooks/youtube.ts';
import { tiktokEnvelope, youtubeEntry, youtubeFeed } from '../../local/testing/platform-deliveries.ts';
import { type Answer, type HostileRun, nowSeconds } from './hostile-run.ts';

/**
 * Forged and replayed signatures on the three webhook routes (CONTRACT §4): TikTok and Contra refuse them with
 * 401, YouTube acknowledges and drops them (WebSub); nothing is published either way. Each route also gets a
 * genuine delivery twice, which must be published exactly once: the control that the attacks fail for the
 * right reason.
 */

/**
 * More than the 300 s tolerance, either way, against the real clock. Not 301: a timestamp in whole seconds
 * signed 301 s ahead at x.999 s is only 300.0 s ahead when checked a millisecond later, and rightly accepted.
 * The exact edge (300 accepted, 301 refused) is tested with a fixed clock in test/webhooks.
 */
const STALE_SECONDS = 305;
const otherSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

type AttackKind = 'forged signature' | 'replayed signature';

/** Posts a body of `contentType` to a webhook route, with `headers` (its signature headers, or none). */
const poster =
  (run: HostileRun, path: string, contentType: string) =>
  (payload: string, headers: Record<string, string> = {}) =>
    run.send(path, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body: payload });

/** One attack on a route: the answer must be one of `refusedWith` and nothing may be published. */
const attacker =
  (run: HostileRun, platform: string, refusedWith: readonly number[]) =>
  async (kind: AttackKind, name: string, send: () => Promise<Answer>): Promise<void> => {
    const mark = run.mark();
    const answer = await send();
    run.expectRefused(kind, `${platform}: ${name}`, answer, refusedWith, run.publishedSince(mark).length);
  };

/** The control: a genuine delivery sent twice is accepted both times and published exactly once. */
const genuineTwice = async (
  run: HostileRun,
  what: string,
  send: () => Promise<Answer>,
  mention: string,
): Promise<void> => {
  const first = await send();
  const again = await send();
  const published = run.publishedMentioning(mention).length;
  run.record(
    'replayed signature',
    `${what} sent again is accepted and published once`,
    first.status === 200 && again.status === 200 && published === 1,
    `${first.status}/${again.status}, published ${published}`,
  );
};

const tiktok = async (run: HostileRun): Promise<void> => {
  const secret = run.system.secrets.TIKTOK_CLIENT_SECRET;
  const body = (postId: string, createTime = nowSeconds()) =>
    JSON.stringify(
      tiktokEnvelope(
        'post.publish.publicly_available',
        { publish_id: `p_pub_${postId}`, post_id: postId, publish_type: 'DIRECT_PUBLISH' },
        { create_time: createTime, user_openid: 'act.hostile-openid' },
      ),
    );
  const send = poster(run, '/webhooks/tiktok', 'application/json');
  const post = (payload: string, signature: string | undefined) =>
    send(payload, signature === undefined ? {} : { 'tiktok-signature': signature });
  const attempt = attacker(run, 'TikTok', [401]);
  const postId = () => String(randomInt(1e9, 9e9));

  await attempt('forged signature', 'no signature', () => post(body(postId()), undefined));
  await attempt('forged signature', 'signed with another secret', () => {
    const payload = body(postId());
    return post(payload, signTikTok('not-the-client-secret', nowSeconds(), payload));
  });
  await attempt('forged signature', 'body changed after signing', () => {
    const signed = body(postId());
    return post(body(postId()), signTikTok(secret, nowSeconds(), signed));
  });
  await attempt('forged signature', 'malformed signature header', () =>
    post(body(postId()), `t=${nowSeconds()},s=${'zz'.repeat(32)}`),
  );
  await attempt('replayed signature', 'a signature lifted from another delivery', () => {
    const now = nowSeconds();
    const lifted = signTikTok(secret, now, body(postId(), now));
    return post(body(postId(), now), lifted);
  });
  await attempt('replayed signature', `a delivery signed ${STALE_SECONDS} s ago`, () => {
    const payload = body(postId());
    return post(payload, signTikTok(secret, nowSeconds() - STALE_SECONDS, payload));
  });
  await attempt('replayed signature', `a delivery signed ${STALE_SECONDS} s ahead`, () => {
    const payload = body(postId());
    return post(payload, signTikTok(secret, nowSeconds() + STALE_SECONDS, payload));
  });

  const genuineId = postId();
  const genuine = body(genuineId);
  const signature = signTikTok(secret, nowSeconds(), genuine);
  await genuineTwice(
    run,
    'TikTok: a genuine delivery',
    () => post(genuine, signature),
    `"videoId":"${genuineId}"`,
  );
};

const youtube = async (run: HostileRun): Promise<void> => {
  const secret = run.system.secrets.YOUTUBE_HUB_SECRET;
  const feed = () =>
    youtubeFeed(
      youtubeEntry({
        videoId: `hostile${randomBytes(4).toString('hex')}`,
        channelId: 'UChostileChannel0000001',
        published: new Date().toISOString(),
      }),
    );
  const send = poster(run, '/webhooks/youtube', 'application/atom+xml');
  const post = (payload: string, signature: string | undefined) =>
    send(payload, signature === undefined ? {} : { 'x-hub-signature': signature });
  // WebSub: a subscriber acknowledges a notification it cannot verify and drops it.
  const attempt = attacker(run, 'YouTube', [200, 202, 204]);

  await attempt('forged signature', 'no signature', () => post(feed(), undefined));
  await attempt('forged signature', 'signed with another secret', () => {
    const payload = feed();
    return post(payload, signYouTube('not-the-hub-secret', payload));
  });
  await attempt('forged signature', 'sha256 with another secret', () => {
    const payload = feed();
    return post(payload, signYouTube('not-the-hub-secret', payload, 'sha256'));
  });
  await attempt('forged signature', 'body changed after signing', () =>
    post(feed(), signYouTube(secret, feed())),
  );
  await attempt('forged signature', 'malformed signature header', () => post(feed(), 'md5=0123'));
  await attempt('replayed signature', 'a signature lifted from another notification', () => {
    const lifted = signYouTube(secret, feed());
    return post(feed(), lifted);
  });

  const genuine = feed();
  const videoId = /<yt:videoId>([^<]+)</.exec(genuine)?.[1] ?? '';
  await genuineTwice(
    run,
    'YouTube: a genuine notification',
    () => post(genuine, signYouTube(secret, genuine)),
    `"videoId":"${videoId}"`,
  );
};

const contra = async (run: HostileRun): Promise<void> => {
  const secret = run.system.secrets.CONTRA_WEBHOOK_SECRET;
  const body = () => {
    const jobId = `hostile-job-${randomBytes(4).toString('hex')}`;
    return JSON.stringify({
      type: 'job.closed',
      data: { jobId, version: 1, closedAt: new Date().toISOString() },
    });
  };
  const post = poster(run, '/webhooks/contra', 'application/json');
  const signed = (id: string, timestamp: number, payload: string, key = secret) => ({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signContra(key, id, timestamp, payload),
  });
  const msgId = () => `msg_${randomBytes(12).toString('hex')}`;
  const attempt = attacker(run, 'Contra', [401]);

  await attempt('forged signature', 'no signature headers', () => post(body(), {}));
  await attempt('forged signature', 'signed with another secret', () => {
    const payload = body();
    return post(payload, signed(msgId(), nowSeconds(), payload, otherSecret()));
  });
  await attempt('forged signature', 'body changed after signing', () =>
    post(body(), signed(msgId(), nowSeconds(), body())),
  );
  await attempt('forged signature', 'several signatures, none valid', () => {
    const payload = body();
    const id = msgId();
    return post(payload, {
      ...signed(id, nowSeconds(), payload),
      'webhook-signature': `${signContra(otherSecret(), id, nowSeconds(), payload)} v1,${randomBytes(32).toString('base64')}`,
    });
  });
  await attempt('replayed signature', 'a signature lifted onto another webhook-id', () => {
    const payload = body();
    return post(payload, { ...signed(msgId(), nowSeconds(), payload), 'webhook-id': msgId() });
  });
  await attempt('replayed signature', `a delivery signed ${STALE_SECONDS} s ago`, () => {
    const payload = body();
    return post(payload, signed(msgId(), nowSeconds() - STALE_SECONDS, payload));
  });
  await attempt('replayed signature', `a delivery signed ${STALE_SECONDS} s ahead`, () => {
    const payload = body();
    return post(payload, signed(msgId(), nowSeconds() + STALE_SECONDS, payload));
  });

  const id = msgId();
  const genuine = body();
  const jobId = (JSON.parse(genuine) as { data: { jobId: string } }).data.jobId;
  const headers = signed(id, nowSeconds(), genuine);
  await genuineTwice(run, 'Contra: a genuine delivery', () => post(genuine, headers), `"jobId":"${jobId}"`);
  const reused = body();
  const mark = run.mark();
  const sameId = await post(reused, signed(id, nowSeconds(), reused));
  run.record(
    'replayed signature',
    'Contra: a known webhook-id with a new body is acknowledged, not published',
    sameId.status === 200 && run.publishedSince(mark).length === 0,
    `${sameId.status}, published ${run.publishedSince(mark).length}`,
  );
};

export const webhookAttacks = async (run: HostileRun): Promise<void> => {
  await tiktok(run);
  await youtube(run);
  await contra(run);
};
