import { describe, expect, it, vi } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { youtubeDeletion, youtubeEntry, youtubeFeed } from '../../local/testing/platform-deliveries.ts';
import { youtubeRequest } from '../support/signed-requests.ts';
import { bodyOf, SECRETS, useLocalSecrets, useWebhookHarness } from '../support/webhook-harness.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const harness = useWebhookHarness();

let videoCounter = 0;
const nextVideoId = () => `vid${String(++videoCounter).padStart(8, '0')}`;

describe('POST /webhooks/youtube: the Atom mapping', () => {
  it('maps an <entry> to Video Posted, with an https watch url and the title as caption', async () => {
    const videoId = nextVideoId();
    const response = await harness.invoke(youtubeRequest(youtubeFeed(youtubeEntry({ videoId }))));

    expect(response.statusCode).toBe(200);
    expect(harness.bus.events).toEqual([
      {
        origin: 'youtube',
        detailType: EVENTS.videoPosted.detailType,
        detail: {
          platform: 'youtube',
          videoId,
          accountId: 'UCx9mayaDesignsChannel01',
          postedAt: '2026-11-22T09:58:00+00:00',
          url: `https://www.youtube.com/watch?v=${videoId}`,
          caption: 'Brand refresh for a coffee roaster',
        },
      },
    ]);
    expect(harness.metrics).toEqual(['YouTubeWebhookAccepted']);
  });

  it('maps an <at:deleted-entry> to Video Removed (reason unknown, removedAt = when)', async () => {
    const videoId = nextVideoId();
    const response = await harness.invoke(youtubeRequest(youtubeDeletion(videoId), { algorithm: 'sha256' }));

    expect(response.statusCode).toBe(200);
    expect(
      harness.bus.events.map((published) => [published.origin, published.detailType, published.detail]),
    ).toEqual([
      [
        'youtube',
        'Video Removed',
        { platform: 'youtube', videoId, reason: 'unknown', removedAt: '2026-11-22T09:59:00.552394234+00:00' },
      ],
    ]);
  });

  it('decodes entities in the title once, and keeps numeric-looking ids as strings', async () => {
    const title = 'Logos &amp; type &lt;3 &#x2615; &amp;lt;not twice&amp;gt;';
    const response = await harness.invoke(
      youtubeRequest(youtubeFeed(youtubeEntry({ videoId: '00012345678', title }))),
    );

    expect(response.statusCode).toBe(200);
    expect(harness.bus.events[0]?.detail).toMatchObject({
      videoId: '00012345678',
      caption: 'Logos & type <3 ☕ &lt;not twice&gt;',
    });
  });

  it('publishes every entry of a feed (more than one PutEvents batch)', async () => {
    const ids = Array.from({ length: 12 }, nextVideoId);
    const response = await harness.invoke(
      youtubeRequest(youtubeFeed(ids.map((videoId) => youtubeEntry({ videoId })).join('\n'))),
    );

    expect(response.statusCode).toBe(200);
    expect(harness.bus.events.map((published) => (published.detail as { videoId: string }).videoId)).toEqual(
      ids,
    );
  });

  it('answers a redelivered notification 200 without publishing again; an edited entry is new', async () => {
    const videoId = nextVideoId();
    const body = youtubeFeed(youtubeEntry({ videoId }));
    await harness.invoke(youtubeRequest(body));
    const again = await harness.invoke(youtubeRequest(body));
    const edited = await harness.invoke(
      youtubeRequest(youtubeFeed(youtubeEntry({ videoId, title: 'New title' }))),
    );

    expect(bodyOf(again)).toEqual({ status: 'duplicate' });
    expect(edited.statusCode).toBe(200);
    expect(harness.bus.events.map((published) => (published.detail as { caption: string }).caption)).toEqual([
      'Brand refresh for a coffee roaster',
      'New title',
    ]);
  });

  it('drops a replay after the 96 h dedupe window: an entry sent longer ago than that is not published again', async () => {
    const videoId = nextVideoId();
    const body = youtubeFeed(youtubeEntry({ videoId, updated: '2026-11-22T09:59:00Z' }));
    expect((await harness.invoke(youtubeRequest(body))).statusCode).toBe(200);
    // The ledger forgets the body after 96 h; the same signed bytes come back a moment later.
    harness.clock.now = new Date(Date.parse('2026-11-22T09:59:00Z') + 96 * 3_600_000 + 1);
    const replay = await harness.invoke(youtubeRequest(body));

    expect(replay.statusCode).toBe(200);
    expect(bodyOf(replay)).toEqual({ status: 'ignored' });
    expect(harness.bus.events).toHaveLength(1);
    expect(harness.metrics).toEqual(['YouTubeWebhookAccepted', 'YouTubeWebhookIgnored']);
  });

  it('judges each entry by its <updated>, else its <published>: fresh ones of a feed are published', async () => {
    const [fresh, stale, unstamped] = [nextVideoId(), nextVideoId(), nextVideoId()];
    harness.clock.now = new Date('2026-11-30T00:00:00Z');
    const feed = youtubeFeed(
      [
        youtubeEntry({ videoId: stale, published: '2026-01-01T00:00:00Z', updated: '2026-11-25T23:59:59Z' }),
        youtubeEntry({ videoId: fresh, published: '2026-01-01T00:00:00Z', updated: '2026-11-26T00:00:00Z' }),
        youtubeEntry({ videoId: unstamped, published: '2026-11-29T00:00:00Z', updated: 'not a date' }),
      ].join('\n'),
    );
    expect((await harness.invoke(youtubeRequest(feed))).statusCode).toBe(200);
    expect(harness.bus.events.map((published) => (published.detail as { videoId: string }).videoId)).toEqual([
      fresh,
      unstamped,
    ]);
  });

  it('always takes a deletion, however old its when: a removal is final, a replay of it changes nothing', async () => {
    const videoId = nextVideoId();
    harness.clock.now = new Date('2027-06-01T00:00:00Z');
    const response = await harness.invoke(youtubeRequest(youtubeDeletion(videoId, '2026-11-22T09:59:00Z')));
    expect(response.statusCode).toBe(200);
    expect(harness.bus.events.map((published) => published.detailType)).toEqual(['Video Removed']);
  });

  it.each([
    ['with its head but no entries', youtubeFeed('')],
    ['with no child at all', '<feed xmlns="http://www.w3.org/2005/Atom"></feed>'],
    ['self-closing', '<feed xmlns="http://www.w3.org/2005/Atom"/>'],
  ])('answers 200 to a feed %s and publishes nothing', async (_, feed) => {
    const response = await harness.invoke(youtubeRequest(feed));
    expect(response.statusCode).toBe(200);
    expect(harness.bus.events).toEqual([]);
  });

  it('answers 400 to a feed holding text instead of Atom elements', async () => {
    const response = await harness.invoke(
      youtubeRequest('<feed xmlns="http://www.w3.org/2005/Atom">hello</feed>'),
    );
    expect(response.statusCode).toBe(400);
    expect(harness.bus.events).toEqual([]);
  });
});

describe('POST /webhooks/youtube: unverified notifications are acknowledged and dropped', () => {
  it.each([
    ['no X-Hub-Signature', { signature: null }],
    ['a signature with another secret', { secret: 'someone-else' }],
    ['an unknown algorithm', { signature: `md5=${'0'.repeat(32)}` }],
    ['a digest of the wrong length', { signature: `sha1=${'0'.repeat(64)}` }],
    ['garbage', { signature: 'sha1' }],
  ] as const)('answers 2xx to %s, publishes nothing and counts it', async (_, options) => {
    const response = await harness.invoke(
      youtubeRequest(youtubeFeed(youtubeEntry({ videoId: nextVideoId() })), options),
    );

    expect(response.statusCode).toBe(200);
    expect(harness.bus.events).toEqual([]);
    expect(harness.metrics).toEqual(['YouTubeWebhookUnverifiedDropped']);
  });

  it('drops before reading the body: a bad signature on a body that is not XML is still 2xx', async () => {
    const response = await harness.invoke(youtubeRequest('not xml', { secret: 'someone-else' }));
    expect(response.statusCode).toBe(200);
  });

  it('accepts the previous hub secret during a rotation', async () => {
    useLocalSecrets({ youtube: `youtube-next-secret ${SECRETS.youtube}` });
    const response = await harness.invoke(
      youtubeRequest(youtubeFeed(youtubeEntry({ videoId: nextVideoId() }))),
    );
    expect(response.statusCode).toBe(200);
    expect(harness.bus.events).toHaveLength(1);
  });
});

describe('POST /webhooks/youtube: hostile or malformed XML is refused with 400', () => {
  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&lol3;</title></entry></feed>`;
  const externalEntity = `<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&xxe;</title></entry></feed>`;

  it.each([
    ['a billion-laughs DOCTYPE', billionLaughs, /DOCTYPE/],
    ['an external entity (XXE)', externalEntity, /DOCTYPE/],
    ['XML that is not well-formed', '<feed><entry></feed>', /well-formed/],
    ['a document that is not a feed', '<rss><channel/></rss>', /Atom <feed>/],
    [
      'an entry without yt:videoId',
      youtubeFeed(youtubeEntry().replace(/<yt:videoId>.*<\/yt:videoId>/, '')),
      /entry\[0\]\.videoId/,
    ],
    [
      'an entry without published',
      youtubeFeed(youtubeEntry().replace(/<published>.*<\/published>/, '')),
      /postedAt/,
    ],
    ['a tombstone that is not a video', youtubeDeletion().replace('yt:video:', 'yt:playlist:'), /ref/],
    ['a __proto__ element', youtubeFeed('<__proto__><polluted>yes</polluted></__proto__>'), /body/],
    ['elements nested 40 deep', youtubeFeed(`${'<x>'.repeat(40)}${'</x>'.repeat(40)}`), /body/],
  ])('%s', async (_, body, detail) => {
    const response = await harness.invoke(youtubeRequest(body));

    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect((bodyOf(response) as { detail: string }).detail).toMatch(detail);
    expect(harness.bus.events).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 413 to a notification over 256 KiB', async () => {
    const response = await harness.invoke(youtubeRequest(youtubeFeed(`<!--${'x'.repeat(262_144)}-->`)));
    expect(response.statusCode).toBe(413);
  });
});
