import { describe, expect, it, vi } from 'vitest';
import { clearSecretCache } from '#shared/aws/secrets.ts';
import { secretIdVariable } from '#shared/secret-names.ts';
import { tiktokEnvelope } from '../../local/testing/platform-deliveries.ts';
import { apiGatewayRequest } from '../support/aws-inputs.ts';
import { tiktokRequest } from '../support/signed-requests.ts';
import { bodyOf, useWebhookHarness } from '../support/webhook-harness.ts';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const harness = useWebhookHarness();

const body = JSON.stringify(
  tiktokEnvelope('post.publish.publicly_available', { post_id: '7411111111111111111' }),
);

describe('the webhooks function as an HTTP adapter', () => {
  it('answers 404 problem+json for a route it does not serve', async () => {
    const response = await harness.invoke(
      apiGatewayRequest({ method: 'POST', path: '/webhooks/vimeo', body: '{}' }),
    );
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('dispatches on method and path when the route key is $default (a catch-all route)', async () => {
    const request = { ...tiktokRequest(body), routeKey: '$default' };
    expect((await harness.invoke(request)).statusCode).toBe(200);
    expect(harness.bus.events).toHaveLength(1);
  });

  it('answers 500 without detail when its own configuration is broken, and publishes nothing', async () => {
    delete process.env[secretIdVariable('TIKTOK_CLIENT_SECRET')];
    clearSecretCache();
    const response = await harness.invoke(tiktokRequest(body));

    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'the request could not be processed; retry later',
    });
    expect(harness.bus.events).toEqual([]);
  });

  it('never echoes a secret or a stack trace in an answer', async () => {
    const responses = await Promise.all([
      harness.invoke(tiktokRequest(body, { secret: 'wrong' })),
      harness.invoke(tiktokRequest('{')),
      harness.invoke(apiGatewayRequest({ method: 'POST', path: '/webhooks/contra', body: '{}' })),
    ]);
    for (const response of responses) {
      expect(response.body).not.toContain('tiktok-test-client-secret');
      expect(response.body).not.toContain('whsec_');
      expect(response.body).not.toMatch(/\bat .+:\d+:\d+/);
    }
  });
});
