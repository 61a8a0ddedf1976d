import { beforeAll, describe, expect, it } from 'vitest';
import { type PoisonResult, runPoison } from '../../reliability/poison-scenario.ts';
import { useSystemUnderTest } from '../support/system-under-test.ts';

/** A poison event: dead-lettered at once with its reason, nothing written; fixed and redriven, it applies. */
describe('poison events', () => {
  const system = useSystemUnderTest();
  let result: PoisonResult;

  beforeAll(async () => {
    result = await runPoison(system, `poison${Date.now().toString(36)}`);
  });

  it('goes to the dead-letter queue on its first receive, with the schema’s reason', () => {
    expect(result.deadLetter).toMatchObject({
      errorType: 'EventSchemaError',
      attempts: 1,
      reason: expect.stringContaining('detail.postedAt'),
    });
    expect(result.invocationsForPoison).toBe(1);
  });

  it('writes nothing while it sits there', () => {
    expect(result.linksWhileDeadLettered.mismatches).toEqual([]);
  });

  it('once fixed, `reelhire dlq redrive` sends it back and it is applied', () => {
    expect(result.redriveOutput).toEqual([expect.objectContaining({ moved: 1, failed: 0 })]);
    expect(result.linksAfterRedrive.expectedPortfolioLinks).toBe(1);
    expect(result.linksAfterRedrive.mismatches).toEqual([]);
    expect(result.deadLettersLeft).toBe(0);
  });
});
