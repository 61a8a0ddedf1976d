import { beforeEach } from 'vitest';
import { secretValues } from '#shared/aws/secrets.ts';
import type { HttpRequest, HttpResponse } from '#shared/http.ts';
import { DynamoDeliveryLedger } from '#webhooks/dynamo-delivery-ledger.ts';
import { createWebhookHandler } from '#webhooks/webhooks-handler.ts';
import { DynamoChannelSubscriptions } from '#websub/dynamo-channel-subscriptions.ts';
import { REQUESTED_LEASE_SECONDS } from '#websub/subscription.ts';
import { WebSubVerification } from '#websub/verification.ts';
import { type LocalDynamo, startDynalite } from '../../local/testing/dynalite.ts';
import { NOW } from '../../local/testing/platform-deliveries.ts';
import { RecordingPublisher } from './recording-publisher.ts';
import { type LocalSecretsManager, startLocalSecretsManager } from './secrets-manager.ts';
import { useShared } from './shared-resource.ts';

/** The secrets the tests sign with; the handlers read them from the local Secrets Manager, as in the cloud. */
export const SECRETS = {
  tiktok: 'tiktok-test-client-secret',
  youtube: 'youtube-test-hub-secret',
  // The example secret of the Standard Webhooks documentation.
  contra: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
} as const;

let secretsManager: LocalSecretsManager | undefined;

/** Starts the local Secrets Manager the handlers of this test process read (once; `closeLocalSecrets` ends it). */
export const startLocalSecrets = async (): Promise<void> => {
  secretsManager ??= await startLocalSecretsManager();
  useLocalSecrets();
};

export const closeLocalSecrets = async (): Promise<void> => {
  await secretsManager?.close();
  secretsManager = undefined;
};

/** Sets the webhook secrets' current values (several space-separated during a rotation). */
export const useLocalSecrets = (
  values: { tiktok?: string; youtube?: string; contra?: string } = {},
): void => {
  if (!secretsManager) throw new Error('startLocalSecrets() first');
  secretsManager.put({
    TIKTOK_CLIENT_SECRET: values.tiktok ?? SECRETS.tiktok,
    YOUTUBE_HUB_SECRET: values.youtube ?? SECRETS.youtube,
    CONTRA_WEBHOOK_SECRET: values.contra ?? SECRETS.contra,
  });
  Object.assign(process.env, { REELHIRE_MODE: 'local', ...secretsManager.environment });
};

export interface WebhookHarness {
  readonly dynamo: LocalDynamo;
  readonly tableName: string;
  readonly bus: RecordingPublisher;
  readonly metrics: string[];
  readonly clock: { now: Date };
  invoke(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export const startWebhookHarness = async (): Promise<WebhookHarness> => {
  await startLocalSecrets();
  const dynamo = await startDynalite();
  const tableName = await dynamo.createTable('webhooks');
  const bus = new RecordingPublisher();
  const metrics: string[] = [];
  const clock = { now: NOW };
  const ports = {
    publisher: bus,
    deliveries: new DynamoDeliveryLedger(dynamo.documents, tableName),
    secrets: secretValues,
    clock: () => clock.now,
    count: (metric: string) => {
      metrics.push(metric);
    },
    subscriptions: new WebSubVerification(
      new DynamoChannelSubscriptions(dynamo.documents, tableName),
      REQUESTED_LEASE_SECONDS,
    ),
  };
  const handler = createWebhookHandler(ports);
  return {
    dynamo,
    tableName,
    bus,
    metrics,
    clock,
    invoke: (request) => handler(request),
    close: async () => {
      await Promise.all([dynamo.close(), closeLocalSecrets()]);
    },
  };
};

export const bodyOf = (response: HttpResponse): unknown => JSON.parse(response.body ?? 'null');

/**
 * Starts the harness for a test file (before all its tests, closed after) and resets what each test may have
 * changed: secrets, recorded events and metrics, the bus failure switch and the clock. The returned object
 * stands for the running harness inside tests.
 */
export const useWebhookHarness = (): WebhookHarness => {
  const harness = useShared('the webhook harness', startWebhookHarness, (started) => started.close());
  beforeEach(() => {
    useLocalSecrets();
    harness.bus.clear();
    harness.bus.refusals = 0;
    harness.metrics.length = 0;
    harness.clock.now = NOW;
  });
  return harness;
};
