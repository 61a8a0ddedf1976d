import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { PROBE, writeProbeAssembly } from '../support/probe-assembly.ts';
import { runAssembly } from '../support/run-assembly.ts';

/** The local runtime's fault-injection hooks, on the hand-written probe assembly. */
describe('local runtime hooks for fault injection', () => {
  let assemblyDir: string;
  let stack: LocalStack;
  const elsewhere = 'http://127.0.0.1:9/';

  beforeAll(async () => {
    assemblyDir = await writeProbeAssembly();
    stack = await runAssembly(assemblyDir, {
      dynamoEndpointForFunctions: elsewhere,
      maxVisibilityTimeoutSeconds: 1,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(assemblyDir, { recursive: true, force: true });
  });

  it('dynamoEndpointForFunctions: the functions get it, the runtime keeps the embedded DynamoDB', () => {
    const probe = stack.functions.get(PROBE.probeFunction)!;
    expect(probe.definition.environment.AWS_ENDPOINT_URL_DYNAMODB).toBe(elsewhere);
    expect(stack.dynamoEndpoint).not.toBe(elsewhere);
  });

  it('maxVisibilityTimeoutSeconds caps every queue’s visibility timeout, and only lowers it', () => {
    for (const queue of stack.queues.all())
      expect(queue.settings.visibilityTimeoutSeconds).toBeLessThanOrEqual(1);
    expect(PROBE.visibilityTimeoutSeconds).toBeGreaterThan(1);
  });

  it('crashRunning ends the environments inside an invocation, which fails as an exit; the pool recovers', async () => {
    const probe = stack.functions.get(PROBE.probeFunction)!;
    expect(probe.running).toBe(0);
    const sleeping = fetch(`${stack.url}/sleep`);
    await eventually(() => (probe.running === 1 ? true : undefined), { what: 'the invocation to start' });
    expect(await probe.crashRunning()).toBe(1);
    const answer = await sleeping;
    expect(answer.status).toBe(500);
    expect(await answer.json()).toMatchObject({ detail: expect.stringContaining('Runtime.ExitError') });
    expect(probe.running).toBe(0);
    expect(stack.activity.invocations().at(-1)).toMatchObject({ outcome: 'crashed' });
    expect((await fetch(`${stack.url}/health`)).status).toBe(200);
    expect(await probe.crashRunning()).toBe(0);
  });
});
