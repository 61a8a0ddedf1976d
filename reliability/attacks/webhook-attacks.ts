import { randomBytes, randomInt } from 'node:crypto';
import { signContra } from '#commons/webhooks/contra.ts';
import { signTikTok } from '#commons/webhooks/tiktok.ts';
import { signYouTube } from '#commons/webhooks/youtube.ts';
import { tiktokEnvelope, youtubeEntry, youtubeFeed } from '../../test/webhooks/support/deliveries.ts';
import { type Answer, type HostileRun, nowSeconds } from './hostile-run.ts';

/**
 * Forged and replayed signatures on the three webhook routes (CONTRACT §4): TikTok and Contra refuse them with
 * 401, YouTube acknowledges and drops them (WebSub); nothing is published either way. Each route also gets a
 * genuine delivery twice, which must be published exactly once: the control that the attacks fail for the
 * right reason.
 */

/** More than the 300 s tolerance, either way. */
const STALE_SECONDS = 301;
const otherSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

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
  const post = (payload: string, signature: string | undefined) =>
    run.send('/webhooks/tiktok', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature === undefined ? {} : { 'tiktok-signature': signature }),
      },
      body: payload,
    });
  const attempt = async (
    kind: 'forged signature' | 'replayed signature',
    name: string,
    send: () => Promise<Answer>,
  ) => {
    const mark = run.mark();
    const answer = await send();
    run.expectRefused(kind, `TikTok: ${name}`, answer, [401], run.publishedSince(mark).length);
  };
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
  const first = await post(genuine, signature);
  const again = await post(genuine, signature);
  const published = run.publishedMentioning(`"videoId":"${genuineId}"`).length;
  run.record(
    'replayed signature',
    'TikTok: a genuine delivery sent again is accepted and published once',
    first.status === 200 && again.status === 200 && published === 1,
    `${first.status}/${again.status}, published ${published}`,
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
  const post = (payload: string, signature: string | undefined) =>
    run.send('/webhooks/youtube', {
      method: 'POST',
      headers: {
        'content-type': 'application/atom+xml',
        ...(signature === undefined ? {} : { 'x-hub-signature': signature }),
      },
      body: payload,
    });
  // WebSub: a subscriber acknowledges a notification it cannot verify and drops it.
  const attempt = async (
    kind: 'forged signature' | 'replayed signature',
    name: string,
    send: () => Promise<Answer>,
  ) => {
    const mark = run.mark();
    const answer = await send();
    run.expectRefused(kind, `YouTube: ${name}`, answer, [200, 202, 204], run.publishedSince(mark).length);
  };

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
  const first = await post(genuine, signYouTube(secret, genuine));
  const again = await post(genuine, signYouTube(secret, genuine));
  const published = run.publishedMentioning(`"videoId":"${videoId}"`).length;
  run.record(
    'replayed signature',
    'YouTube: a genuine notification sent again is accepted and published once',
    first.status === 200 && again.status === 200 && published === 1,
    `${first.status}/${again.status}, published ${published}`,
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
  const post = (payload: string, headers: Record<string, string>) =>
    run.send('/webhooks/contra', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: payload,
    });
  const signed = (id: string, timestamp: number, payload: string, key = secret) => ({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signContra(key, id, timestamp, payload),
  });
  const msgId = () => `msg_${randomBytes(12).toString('hex')}`;
  const attempt = async (
    kind: 'forged signature' | 'replayed signature',
    name: string,
    send: () => Promise<Answer>,
  ) => {
    const mark = run.mark();
    const answer = await send();
    run.expectRefused(kind, `Contra: ${name}`, answer, [401], run.publishedSince(mark).length);
  };

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
  const first = await post(genuine, headers);
  const again = await post(genuine, headers);
  const published = run.publishedMentioning(`"jobId":"${jobId}"`).length;
  run.record(
    'replayed signature',
    'Contra: a genuine delivery sent again is accepted and published once',
    first.status === 200 && again.status === 200 && published === 1,
    `${first.status}/${again.status}, published ${published}`,
  );
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
