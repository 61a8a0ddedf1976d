import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { employerSecret } from '#notify/employer-secret.ts';
import { signWebhook } from '#notify/signature.ts';

describe('employer secrets', () => {
  it('are whsec_ + base64 of HMAC-SHA256(master, employerId): 32 key bytes', () => {
    const secret = employerSecret('master-key', 'emp_northwind');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    // Known answer (openssl dgst -sha256 -hmac), so the CLI's `employer-secret` and the notifier can never drift apart.
    expect(secret).toBe('whsec_Po/LJ9paC4omTOxwBG+KEegeYN5jFmlt2o1s46/uJSM=');
  });

  it('differ per employer and per master key, and never contain the master key', () => {
    const secrets = new Set([
      employerSecret('master-key', 'emp_a'),
      employerSecret('master-key', 'emp_b'),
      employerSecret('other-master', 'emp_a'),
    ]);
    expect(secrets.size).toBe(3);
    for (const secret of secrets) expect(secret).not.toContain('master');
  });
});

describe('Standard Webhooks signatures', () => {
  const secret = employerSecret('master-key', 'emp_northwind');
  const body = JSON.stringify({ type: 'application.received', data: { applicationId: 'app_1' } });

  it('verify with the standardwebhooks reference library', () => {
    const now = new Date();
    const headers = signWebhook([secret], 'app_1', now, body);
    expect(headers['webhook-id']).toBe('app_1');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(() => new Webhook(secret).verify(body, { ...headers })).not.toThrow();
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('app_1', now, body));
  });

  it('do not verify with another employer’s secret or a changed body', () => {
    const headers = signWebhook([secret], 'app_1', new Date(), body);
    expect(() =>
      new Webhook(employerSecret('master-key', 'emp_other')).verify(body, { ...headers }),
    ).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
  });

  it('carry one signature per secret, newest first, each verifying on its own (a rotation)', () => {
    const rotated = employerSecret('master-key', 'emp_northwind', 1);
    expect(rotated).not.toBe(secret);
    expect(rotated).toMatch(/^whsec_/);
    const now = new Date();
    const headers = signWebhook([rotated, secret], 'app_1', now, body);
    const [newest, previous, ...rest] = headers['webhook-signature'].split(' ');
    expect(rest).toEqual([]);
    expect(newest).toBe(new Webhook(rotated).sign('app_1', now, body));
    expect(previous).toBe(new Webhook(secret).sign('app_1', now, body));
    expect(() => new Webhook(rotated).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers })).not.toThrow();
  });
});
