import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_HUB_URL, hubUrl } from '#websub/hub-client.ts';

/** Which WebSub hub the subscription function asks: Google's only in the cloud, and only by default. */
describe('the hub the subscription function asks', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is YOUTUBE_HUB_URL when set, in either mode', () => {
    for (const mode of ['local', '']) {
      vi.stubEnv('REELHIRE_MODE', mode);
      vi.stubEnv('YOUTUBE_HUB_URL', 'http://127.0.0.1:8090/subscribe');
      expect(hubUrl()).toBe('http://127.0.0.1:8090/subscribe');
    }
  });

  it('is Google’s public hub in the cloud when YOUTUBE_HUB_URL is not set', () => {
    vi.stubEnv('REELHIRE_MODE', '');
    vi.stubEnv('YOUTUBE_HUB_URL', '');
    expect(hubUrl()).toBe(DEFAULT_HUB_URL);
  });

  it('never falls back to Google’s hub in local mode: without YOUTUBE_HUB_URL it fails, naming it', () => {
    vi.stubEnv('REELHIRE_MODE', 'local');
    vi.stubEnv('YOUTUBE_HUB_URL', '');
    expect(() => hubUrl()).toThrow('missing required environment variable YOUTUBE_HUB_URL');
  });
});
