import { join } from 'node:path';
import { startYouTubeHub, type YouTubeHub } from '../youtube-hub.ts';
import type { StackLifecycle } from './lifecycle.ts';

const HUB_SNAPSHOT = 'websub-hub-subscriptions.json';

export interface WebSubHubInput {
  /** YOUTUBE_HUB_URL, when it names another hub, is used and none is started. */
  readonly env: NodeJS.ProcessEnv;
  /** The own hub's port; 0 picks a free one. */
  readonly port: number;
  /** Keeps the own hub's subscriptions across restarts. @default not kept */
  readonly dataDir: string | undefined;
  readonly log: (line: string) => void;
  /** The web pages the own hub answers (the console's); see local/http/local-only.ts. */
  readonly browserOrigins: readonly string[];
}

/** The WebSub hub the functions subscribe at: the stack's own unless YOUTUBE_HUB_URL names another. */
export const startWebSubHub = async (
  lifecycle: StackLifecycle,
  input: WebSubHubInput,
): Promise<YouTubeHub> => {
  const hub = await startYouTubeHub({
    configuredUrl: input.env.YOUTUBE_HUB_URL || undefined,
    port: input.port,
    snapshotFile: input.dataDir ? join(input.dataDir, HUB_SNAPSHOT) : undefined,
    log: (line) => input.log(`[websub-hub] ${line}`),
    browserOrigins: input.browserOrigins,
  });
  lifecycle.add({ name: 'WebSub hub', close: () => hub.stop() });
  return { url: hub.url, local: hub.local };
};
