import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { definitionOf, EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import type { HttpRequest } from '#shared/http.ts';
import { signContra } from '#webhooks/contra.ts';
import { signTikTok } from '#webhooks/tiktok.ts';
import { signYouTube } from '#webhooks/youtube.ts';
import { CALLBACK_TOKEN_PARAMETER } from '#websub/callback-token.ts';
import {
  NOW_SECONDS,
  tiktokEnvelope,
  youtubeDeletion,
  youtubeEntry,
  youtubeFeed,
} from '../../local/testing/platform-deliveries.ts';
import { apiGatewayRequest } from '../support/aws-inputs.ts';
import {
  SECRETS,
  startWebhookHarness,
  useLocalSecrets,
  type WebhookHarness,
} from '../support/webhook-harness.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

/**
 * Thousands of random requests on every webhook route: whatever arrives, the answer is never 5xx, a request
 * not answered 200 publishes nothing, and whatever is published fits its event's schema.
 */

const RUNS = 1_000;
const statuses = new Map<string, Map<number, number>>();

let harness: WebhookHarness;
beforeAll(async () => {
  harness = await startWebhookHarness();
});
afterAll(async () => {
  const summary = [...statuses].map(
    ([property, counts]) => `${property}: ${[...counts].map(([status, n]) => `${status}×${n}`).join(' ')}`,
  );
  console.info(`webhook fuzz\n${summary.join('\n')}`);
  await harness.close();
});
beforeEach(() => {
  useLocalSecrets();
});

/** Sends one request and checks the invariants every answer must keep. */
const check = async (property: string, request: HttpRequest, allowed: readonly number[]): Promise<number> => {
  const before = harness.bus.events.length;
  const response = await harness.invoke(request);
  const status = response.statusCode ?? 0;
  const published = harness.bus.events.slice(before);
  const counts = statuses.get(property) ?? new Map<number, number>();
  counts.set(status, (counts.get(status) ?? 0) + 1);
  statuses.set(property, counts);

  expect(allowed).toContain(status);
  if (status !== 200) expect(published).toEqual([]);
  for (const event of published) {
    const definition = definitionOf(event.detailType);
    expect(definition?.origins).toContain(event.origin);
    expect(definition?.schema.safeParse(event.detail).success).toBe(true);
  }
  if (status >= 400) {
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(response.body ?? '') as { status: number; detail: string };
    expect(problem.status).toBe(status);
    expect(problem.detail).not.toMatch(/\n\s+at /);
  }
  return status;
};

const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.json({ maxDepth: 4 }),
);
const anyBody = fc.oneof(
  anyText,
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
);
const anyHeaders = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'tiktok-signature',
      'x-hub-signature',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ),
    fc.string({ maxLength: 20 }),
  ),
  fc.string({ maxLength: 120 }),
  { maxKeys: 6 },
);
const anyJsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constant(undefined),
);
/** A valid value three times in four, anything the fourth: deep enough into the mapping to matter. */
const mostlyValid = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: anyJsonValue, weight: 1 });

const post = (path: string, body: string | Buffer, headers: Record<string, string>) =>
  apiGatewayRequest({ method: 'POST', path, headers, body });

/**
 * Runs `check` on RUNS requests built from values drawn from `values`; `also` asserts what the drawn value implies
 * about the status.
 */
const fuzz = <T>(
  property: string,
  allowed: readonly number[],
  values: fc.Arbitrary<T>,
  requestOf: (value: T) => HttpRequest,
  also?: (status: number, value: T) => void,
) =>
  fc.assert(
    fc.asyncProperty(values, async (value) => {
      const status = await check(property, requestOf(value), allowed);
      also?.(status, value);
    }),
    { numRuns: RUNS },
  );
/** A signature timestamp more than five minutes from now is refused (401) whatever the body. */
const staleIsRefused = (status: number, skew: number) => {
  if (Math.abs(skew) > 300) expect(status).toBe(401);
};

describe.each(['/webhooks/tiktok', '/webhooks/youtube', '/webhooks/contra'])('fuzz POST %s', (path) => {
  it('random bodies and headers: never 5xx, never published', async () => {
    // Unsigned: TikTok and Contra refuse with 401; YouTube acknowledges and drops (WebSub).
    await fuzz(
      `${path} unsigned`,
      path.endsWith('youtube') ? [200] : [401],
      fc.tuple(anyBody, anyHeaders),
      ([body, headers]) => post(path, body, headers),
    );
    expect(harness.bus.events.length).toBe(0);
  });
});

describe('fuzz signed deliveries (past the signature, into the body checks)', () => {
  it('TikTok: random signed bodies and timestamps', async () => {
    await fuzz(
      'tiktok signed random',
      [200, 400, 401],
      fc.tuple(anyBody, fc.integer({ min: -400, max: 400 })),
      ([body, skew]) =>
        post('/webhooks/tiktok', body, {
          'tiktok-signature': signTikTok(SECRETS.tiktok, NOW_SECONDS + skew, body),
        }),
      (status, [, skew]) => staleIsRefused(status, skew),
    );
  });

  it('TikTok: real envelopes with random fields', async () => {
    const event = fc.oneof(
      fc.constantFrom(
        'post.publish.publicly_available',
        'post.publish.no_longer_publicaly_available',
        'post.publish.no_longer_publicly_available',
        'authorization.removed',
      ),
      fc.string({ maxLength: 40 }),
    );
    const content = fc.oneof(
      fc
        .record(
          {
            post_id: mostlyValid(fc.stringMatching(/^\d{1,19}$/)),
            reason: mostlyValid(fc.nat({ max: 5 })),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 100 }),
    );
    const overrides = fc.record({
      create_time: mostlyValid(fc.integer({ min: 0, max: NOW_SECONDS })),
      user_openid: mostlyValid(fc.string({ minLength: 1, maxLength: 128 })),
      client_key: mostlyValid(fc.string({ maxLength: 40 })),
    });
    await fuzz(
      'tiktok signed envelope',
      [200, 400],
      fc.tuple(event, content, overrides),
      ([name, text, fields]) => {
        const body = JSON.stringify({ ...tiktokEnvelope(name, {}), content: text, ...fields });
        return post('/webhooks/tiktok', body, {
          'tiktok-signature': signTikTok(SECRETS.tiktok, NOW_SECONDS, body),
        });
      },
    );
  });

  it('YouTube: signed random text and mutated feeds', async () => {
    const feed = fc.oneof(
      anyText,
      fc
        .tuple(
          fc.string({ maxLength: 30 }),
          fc.string({ maxLength: 30 }),
          fc.string({ maxLength: 60 }),
          fc.string({ maxLength: 40 }),
        )
        .map(([videoId, channelId, title, published]) =>
          youtubeFeed(youtubeEntry({ videoId, channelId, title, published })),
        ),
      fc
        .tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 40 }))
        .map(([videoId, when]) => youtubeDeletion(videoId, when)),
      fc
        .tuple(fc.nat({ max: 1_000 }), fc.nat({ max: 40 }), fc.string({ maxLength: 20 }))
        .map(([at, length, insert]) => {
          const base = youtubeFeed(youtubeEntry());
          const start = at % base.length;
          return `${base.slice(0, start)}${insert}${base.slice(start + length)}`;
        }),
    );
    const algorithm = fc.constantFrom('sha1', 'sha256') as fc.Arbitrary<'sha1' | 'sha256'>;
    await fuzz('youtube signed', [200, 400], fc.tuple(feed, algorithm), ([body, signedWith]) =>
      post('/webhooks/youtube', body, { 'x-hub-signature': signYouTube(SECRETS.youtube, body, signedWith) }),
    );
  });

  it('Contra: signed {type, data} with random data and timestamps', async () => {
    const type = fc.oneof(
      fc.constantFrom('profile.updated', 'profile.deleted', 'job.published', 'job.closed'),
      fc.string({ maxLength: 20 }),
    );
    const samples = [EVENTS.profileUpdated, EVENTS.profileDeleted, EVENTS.jobPublished, EVENTS.jobClosed].map(
      (definition) => sampleOf(definition).detail as Record<string, unknown>,
    );
    const data = fc.oneof(
      anyJsonValue,
      fc
        .tuple(fc.constantFrom(...samples), fc.string({ maxLength: 20 }), anyJsonValue)
        .map(([sample, field, value]) => {
          const keys = Object.keys(sample);
          const key = keys[field.length % keys.length]!;
          return { ...sample, [field.length % 2 === 0 ? key : field]: value };
        }),
    );
    await fuzz(
      'contra signed',
      [200, 400, 401],
      fc.tuple(type, data, fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: -400, max: 400 })),
      ([name, detail, webhookId, skew]) => {
        const body = JSON.stringify({ type: name, data: detail });
        const timestamp = NOW_SECONDS + skew;
        return post('/webhooks/contra', body, {
          'webhook-id': webhookId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signContra(SECRETS.contra, webhookId, timestamp, body),
        });
      },
      (status, [, , , skew]) => staleIsRefused(status, skew),
    );
  });
});

describe('fuzz GET /webhooks/youtube (verification)', () => {
  it('random queries are refused with 404, never 5xx', async () => {
    const query = fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'hub.mode',
          'hub.topic',
          'hub.challenge',
          'hub.lease_seconds',
          'hub.reason',
          CALLBACK_TOKEN_PARAMETER,
        ),
        fc.string({ maxLength: 12 }),
      ),
      fc.oneof(
        fc.string({ maxLength: 100 }),
        fc.constantFrom('subscribe', 'unsubscribe', 'denied'),
        fc
          .string({ minLength: 1, maxLength: 20 })
          .map(
            (channel) =>
              `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${encodeURIComponent(channel)}`,
          ),
      ),
      { maxKeys: 6 },
    );
    await fuzz('youtube verification', [404], query, (parameters) =>
      apiGatewayRequest({ method: 'GET', path: '/webhooks/youtube', query: parameters }),
    );
  });
});
