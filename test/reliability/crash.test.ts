import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CrashResult,
  runCrash,
  runCrashBetweenClaimsAndProfile,
} from '../../reliability/crash-scenario.ts';
import { useSystemUnderTest } from '../support/system-under-test.ts';

/** Handlers killed in the middle of their batches: the batches come back and the result still equals the rule. */
describe('crash safety', () => {
  // A crashed batch comes back after the visibility timeout: 60 s here instead of the template's 6 minutes, and
  // no less than the functions' own 60 s, so that a batch merely slowed by a busy machine is not received again
  // while it runs (five such receives would dead-letter it).
  const system = useSystemUnderTest({ maxVisibilityTimeoutSeconds: 60 });
  let result: CrashResult;

  beforeAll(async () => {
    result = await runCrash(system, { events: 200, seed: 4242, timeoutMs: 600_000 });
  });

  it('killed execution environments inside their invocations, between two writes', () => {
    expect(result.killedEnvironments).toBeGreaterThan(0);
    expect(result.crashedInvocations).toBe(result.killedEnvironments);
    expect(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']).toContain(result.heldCall.operation);
  });

  it('the crashed batches were delivered again', () => {
    expect(result.redeliveredMessages).toBeGreaterThan(0);
  });

  it("every video's links equal the rule, and nothing was lost", () => {
    expect(result.links.mismatches).toEqual([]);
    expect(result.links.serverErrors).toBe(0);
    expect(result.reconciliation.lost).toEqual([]);
    expect(result.reconciliation.deadLettered).toBe(0);
    expect(result.reconciliation.applied).toBe(result.reconciliation.delivered);
  });
});

describe('a crash between the claims and the profile write, while a newer version lands', () => {
  const system = useSystemUnderTest({ maxVisibilityTimeoutSeconds: 30 });

  it('the redelivered older version leaves no claim behind: the video has the newer version’s links', async () => {
    const result = await runCrashBetweenClaimsAndProfile(system, `window${Date.now().toString(36)}`);
    expect(result.killedEnvironments).toBeGreaterThan(0);
    expect(result.served.mismatches).toEqual([]);
  });
});
