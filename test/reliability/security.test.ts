import { beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_KINDS } from '../../reliability/attacks/hostile-run.ts';
import { type AttackReport, runAttacks } from '../../reliability/attacks/run-attacks.ts';
import { scanLogs, secretValuesOf } from '../../reliability/log-scan.ts';
import { useSystemUnderTest } from '../support/system-under-test.ts';

/**
 * Hostile inputs against the running local stack (the real HTTP API, functions, bus and store): forged and
 * replayed signatures, JWT attacks, SSRF through employer notifications, XML entity expansion, prototype
 * pollution, oversized and deeply nested bodies. The unit suites (test/webhooks, test/apply, test/notify)
 * check the same defences function by function; this checks that the deployed wiring keeps them.
 */
describe('security against the running stack', () => {
  const system = useSystemUnderTest();
  let report: AttackReport;

  beforeAll(async () => {
    report = await runAttacks(system);
  });

  it('tried every kind of attack', () => {
    for (const kind of ATTACK_KINDS) expect(report.triedByKind[kind], kind).toBeGreaterThan(0);
  });

  it('answered every one as the contract says, and never with a 5xx', () => {
    expect(report.failed).toEqual([]);
    expect(report.serverErrors).toBe(0);
  });

  it('wrote none of the secrets it used, nor any employer’s derived secret, to a log line', () => {
    const scan = scanLogs(system.logs, secretValuesOf(system.secrets, system.logs));
    expect(scan.linesSearched).toBeGreaterThan(50);
    expect(scan.valuesSearched).toBeGreaterThan(7);
    expect(scan.hits).toEqual([]);
  });

  it('wrote none of the personal values it sent (handles, names, portfolio urls, tokens, keys) to a log line', () => {
    const values = system.personal.searched();
    const { byKind } = system.personal.counts();
    for (const [kind, sent] of Object.entries(byKind)) expect(sent, kind).toBeGreaterThan(0);
    expect(scanLogs(system.logs, values).hits).toEqual([]);
    // The values are the ones sent: one of them written to a line is found.
    const planted = values[0];
    expect(planted).toBeDefined();
    if (!planted) return;
    expect(scanLogs([...system.logs, `leaked ${planted.value}`], values).hits).toEqual([
      { name: planted.name, lines: 1 },
    ]);
  });
});
