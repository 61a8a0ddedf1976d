import { randomBytes } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecretName } from '#shared/secret-names.ts';
import { type LocalStack, startLocalStack } from '../local/local-stack.ts';
import { localClientConfig, localDocumentClient } from '../local/testing/local-clients.ts';
import { type LocalHub, startLocalHub } from '../local/websub-hub.ts';
import { FaultProxy, type FaultRates } from './fault-proxy.ts';
import { PersonalValues } from './personal-values.ts';

/**
 * The synthesized stack running locally, with its functions reaching DynamoDB through a fault proxy (the
 * runtime itself talks to DynamoDB directly), a local WebSub hub so that nothing leaves the machine, secrets
 * that are random for this run (so that a search of the logs for them means something), and every line the
 * functions and the runtime write kept for that search.
 */

/** See SystemOptions.maxVisibilityTimeoutSeconds. */
export const DEFAULT_VISIBILITY_SECONDS = 60;

export interface SystemOptions {
  /** A synthesized cloud assembly. */
  readonly assemblyDir: string;
  readonly rates?: FaultRates;
  readonly random?: () => number;
  /**
   * A failed or crashed batch comes back after this long. The default is the functions' own 60 s timeout: a
   * batch merely slowed by a busy machine is not received again while it runs. @default 60
   */
  readonly maxVisibilityTimeoutSeconds?: number;
}

export interface SystemUnderTest {
  readonly stack: LocalStack;
  readonly proxy: FaultProxy;
  readonly hub: LocalHub;
  readonly secrets: Readonly<Record<SecretName, string>>;
  /** Every line written by the functions (`[function] line`) and by the runtime. */
  readonly logs: string[];
  /**
   * The personal values the run sent: those of every event on the bus, collected here; the HTTP clients add
   * what they send (tokens, keys, bodies).
   */
  readonly personal: PersonalValues;
  readonly busName: string;
  readonly tableName: string;
  /** The EventBridge, SQS and DynamoDB clients of the outside world (DynamoDB without the proxy). */
  readonly eventBridge: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly documents: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

const randomSecrets = (): Record<SecretName, string> => ({
  TIKTOK_CLIENT_SECRET: `tiktok-${randomBytes(16).toString('hex')}`,
  YOUTUBE_HUB_SECRET: `hub-${randomBytes(16).toString('hex')}`,
  CONTRA_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  VIEWER_TOKEN_SECRET: `viewer-${randomBytes(32).toString('hex')}`,
  EMPLOYER_SIGNING_KEY: `employer-${randomBytes(32).toString('hex')}`,
});

export const startSystem = async (options: SystemOptions): Promise<SystemUnderTest> => {
  const proxy = await FaultProxy.start({
    ...(options.rates ? { rates: options.rates } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  const hub = await startLocalHub();
  const secrets = randomSecrets();
  const logs: string[] = [];
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      assemblyDir: options.assemblyDir,
      synth: false,
      port: 0,
      dynamoPort: 0,
      schedules: false,
      env: { PATH: process.env.PATH, ...secrets, YOUTUBE_HUB_URL: hub.url },
      log: (line) => logs.push(`[runtime] ${line}`),
      functionLog: (name, line) => logs.push(`[${name}] ${line}`),
      dynamoEndpointForFunctions: proxy.url,
      maxVisibilityTimeoutSeconds: options.maxVisibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_SECONDS,
    });
  } catch (error) {
    await Promise.all([proxy.close(), hub.close()]);
    throw error;
  }
  const busName = stack.busNames.find((name) => name !== 'default');
  const tableName = stack.tableNames[0];
  if (!busName || !tableName) {
    await stack.stop();
    await Promise.all([proxy.close(), hub.close()]);
    throw new Error('the stack has no event bus or no table');
  }
  proxy.setTarget(stack.dynamoEndpoint);
  const personal = new PersonalValues();
  stack.activity.on('record', (record) => {
    if (record.kind === 'bus-event') personal.addFromEvent(record.event.detail);
  });
  const client = localClientConfig(stack.url);
  const eventBridge = new EventBridgeClient(client);
  const sqs = new SQSClient(client);
  const documents = localDocumentClient(stack.dynamoEndpoint);
  return {
    stack,
    proxy,
    hub,
    secrets,
    logs,
    personal,
    busName,
    tableName,
    eventBridge,
    sqs,
    documents,
    async stop() {
      eventBridge.destroy();
      sqs.destroy();
      documents.destroy();
      await stack.stop();
      await Promise.all([proxy.close(), hub.close()]);
    },
  };
};
