import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayResult, runReplay } from '../../reliability/replay-scenario.ts';
import { DEFAULT_VISIBILITY_SECONDS } from '../../reliability/system-under-test.ts';
import { useSystemUnderTest } from '../support/system-under-test.ts';

/**
 * A random history (with duplicates and poison) through the local runtime's PutEvents endpoint, with 10 % of
 * the functions' store calls faulted: once quiet, every video's links equal the rule computed from the
 * history, and every delivery is applied or dead-lettered with its reason. `npm run test:reliability` runs
 * the same at full size.
 */
const EVENTS = Number(process.env.RELIABILITY_TEST_EVENTS ?? 400);

describe('replay under faults', () => {
  const system = useSystemUnderTest();
  let result: ReplayResult;

  beforeAll(async () => {
    result = await runReplay(system, { events: EVENTS, seed: 20261128, quietTimeoutMs: 600_000 });
  });

  it('delivered every event through PutEvents, and the functions met faults of every kind', () => {
    expect(result.events).toBe(EVENTS);
    for (const [kind, count] of Object.entries(result.faults.faults)) expect(count, kind).toBeGreaterThan(0);
    const faulted = Object.values(result.faults.faults).reduce((sum, count) => sum + count, 0);
    expect(faulted / result.faults.requests).toBeGreaterThan(0.05);
    expect(faulted / result.faults.requests).toBeLessThan(0.15);
  });

  it("every video's links, read through GET /links, equal the rule computed from the history", () => {
    expect(result.links.expectedPortfolioLinks).toBeGreaterThan(0);
    expect(result.links.expectedApplyLinks).toBeGreaterThan(0);
    expect(result.links.serverErrors).toBe(0);
    expect(result.links.mismatches).toEqual([]);
  });

  it('every delivery is applied or sits in a dead-letter queue with its reason: none lost', () => {
    const { reconciliation } = result;
    expect(reconciliation.lost).toEqual([]);
    expect(reconciliation.applied).toBeGreaterThan(EVENTS / 2);
    expect(reconciliation.poisonNotDeadLettered).toEqual([]);
    expect(reconciliation.deadLetteredWithoutReason).toBe(0);
    expect(reconciliation.applied + reconciliation.deadLettered).toBe(reconciliation.delivered);
    // Poison is dead-lettered on its first receive: no batch outlived the visibility timeout to blur that.
    expect(result.invocations.longestMs).toBeLessThan(DEFAULT_VISIBILITY_SECONDS * 1000);
    expect(reconciliation.poisonDeadLetteredAtOnce).toBe(Math.round(EVENTS * 0.01));
  });
});
