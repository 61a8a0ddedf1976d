import { beforeAll, describe, expect, it } from 'vitest';
import { type ApplicationsRunResult, runApplications } from '../../reliability/applications-scenario.ts';
import { evenFaultRates } from '../../reliability/fault-proxy.ts';
import { useSystemUnderTest } from '../support/system-under-test.ts';

/**
 * Applications, status changes and withdrawals through the running stack while the functions' store calls
 * fail at random and the employer's endpoint fails before it recovers: nothing lost, order held.
 */
describe('applications under faults', () => {
  const system = useSystemUnderTest();
  let result: ApplicationsRunResult;

  beforeAll(async () => {
    result = await runApplications(system, {
      applicants: 10,
      jobs: 2,
      seed: 1414,
      faults: evenFaultRates(0.1),
      employerFailures: 2,
    });
  });

  it('made applications, changes and withdrawals while faults were injected', () => {
    expect(result.applications).toBeGreaterThan(10);
    expect(result.statusChanges).toBeGreaterThan(5);
    expect(result.withdrawals).toBeGreaterThan(0);
    expect(result.faults).toBeGreaterThan(0);
  });

  it('ends every application where the rules say, with every change published and nothing lost', () => {
    expect(result.wrongStatus).toEqual([]);
    expect(result.lostEvents).toEqual([]);
    expect(result.lostNotifications).toEqual([]);
    expect(result.serverErrors).toBe(0);
  });

  it('never delivers application.withdrawn before application.received, and signs everything', () => {
    expect(result.orderViolations).toEqual([]);
    expect(result.badSignatures).toBe(0);
    expect(result.notificationsDelivered).toBeGreaterThanOrEqual(result.applications);
  });

  it('was refused nothing by IAM, which the stack enforces from the template', () => {
    expect(system.stack.iam.refusals.list()).toEqual([]);
  });
});
