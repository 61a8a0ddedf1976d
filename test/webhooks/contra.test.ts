import { describe, expect, it, vi } from 'vitest';
import { EVENTS, type EventName } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import { signContra } from '#webhooks/contra.ts';
import { NOW_SECONDS } from '../../local/testing/platform-deliveries.ts';
import { contraRequest, nextWebhookId } from '../support/signed-requests.ts';
import { bodyOf, SECRETS, useLocalSecrets, useWebhookHarness } from '../support/webhook-harness.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const harness = useWebhookHarness();

const detailOf = (name: EventName) => sampleOf(EVENTS[name]).detail as Record<string, unknown>;
const delivery = (type: string, data: unknown) => JSON.stringify({ type, data });

describe('POST /webhooks/contra: the event mapping', () => {
  it.each([
    ['profile.updated', 'profileUpdated'],
    ['profile.deleted', 'profileDeleted'],
    ['job.published', 'jobPublished'],
    ['job.closed', 'jobClosed'],
  ] as const)('maps %s to %s with data as the detail', async (type, name) => {
    const response = await harness.invoke(contraRequest(delivery(type, detailOf(name))));

    expect(response.statusCode).toBe(200);
    expect(harness.bus.events).toEqual([
      { origin: 'contra', detailType: EVENTS[name].detailType, detail: detailOf(name) },
    ]);
    expect(harness.metrics).toEqual(['ContraWebhookAccepted']);
  });

  it('drops unknown fields of data (forward compatibility), and keys that reach a prototype', async () => {
    const body = `{"type":"job.closed","data":{"jobId":"job_x","version":3,"closedAt":"2026-11-22T09:00:00Z","futureField":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}`;
    const response = await harness.invoke(contraRequest(body));

    expect(response.statusCode).toBe(200);
    expect(harness.bus.events[0]?.detail).toEqual({
      jobId: 'job_x',
      version: 3,
      closedAt: '2026-11-22T09:00:00Z',
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 200 to an event type ReelHire does not use, publishing nothing', async () => {
    const response = await harness.invoke(contraRequest(delivery('invoice.paid', { invoiceId: 'inv_1' })));

    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ status: 'ignored' });
    expect(harness.bus.events).toEqual([]);
    expect(harness.metrics).toEqual(['ContraWebhookIgnored']);
  });

  it('treats the same webhook-id as the same delivery, whatever its timestamp', async () => {
    const webhookId = nextWebhookId();
    const body = delivery('job.closed', detailOf('jobClosed'));
    const first = await harness.invoke(contraRequest(body, { webhookId }));
    const retry = await harness.invoke(contraRequest(body, { webhookId, timestamp: NOW_SECONDS + 60 }));
    const other = await harness.invoke(contraRequest(body));

    expect([first.statusCode, retry.statusCode, other.statusCode]).toEqual([200, 200, 200]);
    expect([bodyOf(first), bodyOf(retry), bodyOf(other)]).toEqual([
      { status: 'accepted' },
      { status: 'duplicate' },
      { status: 'accepted' },
    ]);
    expect(harness.bus.events).toHaveLength(2);
  });
});

describe('POST /webhooks/contra: Standard Webhooks verification', () => {
  const body = () => delivery('job.closed', detailOf('jobClosed'));

  it('accepts any valid signature among several (and skips versions it does not know)', async () => {
    const webhookId = nextWebhookId();
    const valid = signContra(SECRETS.contra, webhookId, NOW_SECONDS, body());
    const response = await harness.invoke(
      contraRequest(body(), {
        webhookId,
        signature: `v1,${Buffer.alloc(32).toString('base64')} v1a,${valid.slice(3)} ${valid}`,
      }),
    );
    expect(response.statusCode).toBe(200);
  });

  it('accepts the old and the new secret during a rotation', async () => {
    const next = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    useLocalSecrets({ contra: `${next}\n${SECRETS.contra}` });

    expect((await harness.invoke(contraRequest(body()))).statusCode).toBe(200);
    expect((await harness.invoke(contraRequest(body(), { secret: next }))).statusCode).toBe(200);
    expect(harness.bus.events).toHaveLength(2);
  });

  it.each([
    ['300 s old', -300, 200],
    ['300 s ahead', 300, 200],
    ['301 s old', -301, 401],
    ['301 s ahead', 301, 401],
  ])('a timestamp %s answers %i', async (_, offset, status) => {
    expect(
      (await harness.invoke(contraRequest(body(), { timestamp: NOW_SECONDS + offset }))).statusCode,
    ).toBe(status);
  });

  it.each([
    [
      'without webhook-id',
      (request: ReturnType<typeof contraRequest>) => delete request.headers['webhook-id'],
    ],
    [
      'without webhook-timestamp',
      (request: ReturnType<typeof contraRequest>) => delete request.headers['webhook-timestamp'],
    ],
    [
      'without webhook-signature',
      (request: ReturnType<typeof contraRequest>) => delete request.headers['webhook-signature'],
    ],
    [
      'with a timestamp that is not unix seconds',
      (request: ReturnType<typeof contraRequest>) => {
        request.headers['webhook-timestamp'] = `${request.headers['webhook-timestamp']}.0`;
      },
    ],
    [
      'with the signature of another webhook-id',
      (request: ReturnType<typeof contraRequest>) => {
        request.headers['webhook-id'] = 'msg_other';
      },
    ],
    [
      'with a body changed after signing',
      (request: ReturnType<typeof contraRequest>) => {
        request.body = `${request.body} `;
      },
    ],
    [
      'with a v2 signature only',
      (request: ReturnType<typeof contraRequest>) => {
        request.headers['webhook-signature'] = request.headers['webhook-signature']!.replace('v1,', 'v2,');
      },
    ],
  ])('answers 401 %s and publishes nothing', async (_, tamper) => {
    const request = contraRequest(body());
    tamper(request);
    const response = await harness.invoke(request);

    expect(response.statusCode).toBe(401);
    expect(bodyOf(response)).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(harness.bus.events).toEqual([]);
  });

  it('checks the signature before the body: an unsigned bad body is 401, a signed one 400', async () => {
    expect((await harness.invoke(contraRequest('{', { signature: 'v1,AAAA' }))).statusCode).toBe(401);
    expect((await harness.invoke(contraRequest('{'))).statusCode).toBe(400);
  });
});

describe('POST /webhooks/contra: bodies that are not what Contra sends', () => {
  it.each([
    ['not JSON', '{"type":', /not valid JSON/],
    ['an array', '[]', /JSON object/],
    ['type missing', JSON.stringify({ data: {} }), /type/],
    ['data missing', delivery('job.closed', undefined), /data/],
    [
      'a version that is not an integer',
      delivery('job.closed', { ...detailOf('jobClosed'), version: 1.5 }),
      /data\.version/,
    ],
    [
      'an http portfolio url',
      delivery('profile.updated', { ...detailOf('profileUpdated'), portfolioUrl: 'http://contra.com/x' }),
      /data\.portfolioUrl/,
    ],
    [
      'a job id over 128 characters',
      delivery('job.published', { ...detailOf('jobPublished'), jobId: 'j'.repeat(129) }),
      /data\.jobId/,
    ],
    [
      'a timestamp without offset',
      delivery('profile.deleted', { ...detailOf('profileDeleted'), deletedAt: '2026-11-22T09:00:00' }),
      /data\.deletedAt/,
    ],
    [
      'a profile id that is not well-formed Unicode',
      delivery('profile.updated', { ...detailOf('profileUpdated'), profileId: 'prof_maya\ud800' }),
      /data\.profileId: must be well-formed Unicode/,
    ],
    [
      'nesting 100 levels deep',
      JSON.stringify({ type: 'job.closed', data: JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) }),
      /nested deeper/,
    ],
  ])('%s: 400 problem+json naming it, nothing published', async (_, body, detail) => {
    const response = await harness.invoke(contraRequest(body));

    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
    expect((bodyOf(response) as { detail: string }).detail).toMatch(detail);
    expect(harness.bus.events).toEqual([]);
  });

  it('refuses a webhook-id that is not a bounded printable token', async () => {
    const response = await harness.invoke(
      contraRequest(delivery('job.closed', detailOf('jobClosed')), { webhookId: 'x'.repeat(257) }),
    );
    expect(response.statusCode).toBe(400);
  });
});
