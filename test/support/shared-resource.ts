import { afterAll, beforeAll } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../local/testing/dynalite.ts';
import { EmployerServer } from '../../local/testing/employer-server.ts';
import { type LocalSecretsManager, startLocalSecretsManager } from './secrets-manager.ts';
import { SqsRecorder } from './sqs-recorder.ts';

/**
 * A resource the tests of a file or a describe block share (a dynalite, a harness, a running system): started
 * before them, within `timeoutMs`, and stopped after. The returned object stands for it inside hooks and tests;
 * using it anywhere else throws.
 */
export const useShared = <T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (resource: T) => Promise<void>,
  timeoutMs?: number,
): T => {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  }, timeoutMs);
  afterAll(async () => {
    if (started) await stop(started);
  });
  const current = (): T => {
    if (!started) throw new Error(`${what} is started in beforeAll: use it inside hooks and tests`);
    return started;
  };
  return new Proxy({} as T, {
    get: (_, property) => Reflect.get(current(), property),
    set: (_, property, value) => Reflect.set(current(), property, value),
    has: (_, property) => Reflect.has(current(), property),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_, property) => Reflect.getOwnPropertyDescriptor(current(), property),
  });
};

/** A dynalite for the tests of a file or a describe block. */
export const useDynalite = (): LocalDynamo =>
  useShared('dynalite', startDynalite, (dynamo) => dynamo.close());

/** An employer endpoint verifying with `secret`, for the tests of a file or a describe block. */
export const useEmployerServer = (secret: string): EmployerServer =>
  useShared(
    'the employer server',
    () => EmployerServer.start(secret),
    (server) => server.close(),
  );

/** An SQS recorder for the tests of a file or a describe block. */
export const useSqsRecorder = (): SqsRecorder =>
  useShared('the SQS recorder', SqsRecorder.start, (recorder) => recorder.close());

/** The local Secrets Manager holding `values`, for handlers run inside a test process. */
export const useLocalSecretsManager = (
  values: Parameters<typeof startLocalSecretsManager>[0],
): LocalSecretsManager =>
  useShared(
    'the local Secrets Manager',
    () => startLocalSecretsManager(values),
    (secrets) => secrets.close(),
  );
