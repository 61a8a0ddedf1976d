import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type LocalHub, type Subscription, startLocalHub } from './websub-hub.ts';

/**
 * The WebSub hub the functions subscribe at in local mode (CONTRACT §4): the one YOUTUBE_HUB_URL names, else a
 * hub of the stack's own on 127.0.0.1, so that local mode never contacts Google's public hub. The own hub's
 * subscriptions are kept under REELHIRE_DATA_DIR like the queued messages: the channel subscriptions in
 * DynamoDB survive a restart, and the hub that verified them must still know where to deliver.
 */

export interface YouTubeHub {
  /** What the functions get as YOUTUBE_HUB_URL. */
  readonly url: string;
  /** The stack's own hub; undefined when YOUTUBE_HUB_URL names another one. */
  readonly local: LocalHub | undefined;
}

export interface RunningYouTubeHub extends YouTubeHub {
  stop(): Promise<void>;
}

export interface YouTubeHubOptions {
  /** YOUTUBE_HUB_URL, when set: that hub is used and none is started. */
  readonly configuredUrl: string | undefined;
  /** The own hub's port; 0 picks a free one. */
  readonly port: number;
  /** Where the own hub's subscriptions are kept across restarts. @default not kept */
  readonly snapshotFile?: string | undefined;
  /** One line per subscription request and verification. */
  readonly log: (line: string) => void;
  /** The web pages the own hub answers. @default none */
  readonly browserOrigins?: readonly string[];
}

type HubSnapshot = readonly (readonly [topic: string, subscription: Subscription])[];

export const startYouTubeHub = async (options: YouTubeHubOptions): Promise<RunningYouTubeHub> => {
  if (options.configuredUrl) return { url: options.configuredUrl, local: undefined, stop: async () => {} };
  const hub = await startLocalHub({
    port: options.port,
    log: options.log,
    browserOrigins: options.browserOrigins ?? [],
  });
  const file = options.snapshotFile;
  if (file && existsSync(file)) {
    for (const [topic, subscription] of JSON.parse(await readFile(file, 'utf8')) as HubSnapshot)
      hub.subscriptions.set(topic, subscription);
  }
  return {
    url: hub.url,
    local: hub,
    async stop() {
      await hub.close();
      if (!file) return;
      await mkdir(dirname(file), { recursive: true });
      // The subscriptions hold each subscriber's hub.secret: readable by the developer only.
      await writeFile(file, JSON.stringify([...hub.subscriptions] satisfies HubSnapshot), { mode: 0o600 });
    },
  };
};
