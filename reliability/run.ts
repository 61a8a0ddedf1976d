import { randomInt } from 'node:crypto';
import { readAssembly } from '../lib/assembly.ts';
import { synthesizeCached } from '../lib/synthesize.ts';
import { type ApplicationsRunResult, runApplications } from './applications-scenario.ts';
import { type AttackReport, runAttacks } from './attacks/run-attacks.ts';
import {
  type CrashResult,
  type CrashWindowResult,
  runCrash,
  runCrashBetweenClaimsAndProfile,
} from './crash-scenario.ts';
import { evenFaultRates, type FaultKind } from './fault-proxy.ts';
import { npmAudit } from './npm-audit.ts';
import { type PoisonResult, runPoison } from './poison-scenario.ts';
import { type ReplayResult, runReplay } from './replay-scenario.ts';
import { scanForSecrets, secretValuesOf } from './secrets-scan.ts';
import { type SystemUnderTest, startSystem } from './system-under-test.ts';
import { count, type Row, renderTable } from './table.ts';
import { auditTemplates } from './template-audit.ts';

/**
 * `npm run test:reliability`: the full-size run. A random history replayed under 10 % store faults, handlers
 * killed mid-batch, a poison event dead-lettered and redriven, every hostile input against the running stack,
 * the logs searched for every secret, the templates audited and `npm audit`; then one table. Exits 1 when a
 * check fails. RELIABILITY_EVENTS (default 2,000; 10,000 for the full size) and RELIABILITY_SEED.
 */

const EVENTS = Number(process.env.RELIABILITY_EVENTS ?? 2_000);
const SEED = Number(process.env.RELIABILITY_SEED ?? randomInt(1, 2 ** 31));

const FAULT_LABELS: Readonly<Record<FaultKind, string>> = {
  ProvisionedThroughputExceededException: 'fault: ProvisionedThroughputExceededException (400)',
  ThrottlingException: 'fault: ThrottlingException (400)',
  InternalServerError: 'fault: InternalServerError (500)',
  latency: 'fault: latency spike (200–1,200 ms)',
  reset: 'fault: connection reset',
};

const progress = (line: string) => process.stderr.write(`[reliability] ${line}\n`);

/** Runs a scenario on a fresh system and keeps its logs for the secrets search. */
const withSystem = async <T>(
  assemblyDir: string,
  logs: string[][],
  secrets: SystemUnderTest['secrets'][],
  maxVisibilityTimeoutSeconds: number,
  scenario: (system: SystemUnderTest) => Promise<T>,
): Promise<T> => {
  const system = await startSystem({ assemblyDir, maxVisibilityTimeoutSeconds });
  try {
    return await scenario(system);
  } finally {
    await system.stop();
    logs.push(system.logs);
    secrets.push(system.secrets);
  }
};

const replayRows = (replay: ReplayResult): Row[] => {
  const { reconciliation, faults, links } = replay;
  const poison = reconciliation.poisonDeadLetteredAtOnce;
  return [
    {
      check: 'events replayed through PutEvents (random order, duplicates, poison)',
      result: `${count(replay.events)} (${count(replay.distinctEvents)} distinct events, ${count(poison)} poison)`,
      ok: replay.events === EVENTS,
    },
    {
      check: 'functions’ store calls through the fault proxy',
      result: `${count(faults.requests)} (${((100 * Object.values(faults.faults).reduce((a, b) => a + b, 0)) / Math.max(1, faults.requests)).toFixed(1)} % faulted)`,
      ok: faults.requests > 0,
    },
    ...(Object.entries(FAULT_LABELS) as [FaultKind, string][]).map(([kind, check]) => ({
      check,
      result: count(faults.faults[kind]),
      ok: faults.faults[kind] > 0,
    })),
    {
      check: '  of which 500s and resets after DynamoDB applied the call',
      result: count(faults.afterForwarding),
      ok: faults.afterForwarding > 0,
    },
    {
      check: 'SQS batches handled (failed as a whole; longest)',
      result: `${count(replay.invocations.batches)} (${replay.invocations.failed}; ${(replay.invocations.longestMs / 1000).toFixed(1)} s)`,
      ok: replay.invocations.batches > 0,
    },
    {
      check: 'videos whose GET /links differs from linksFromHistory',
      result: `${count(links.mismatches.length)} of ${count(links.videos)} (${count(links.expectedPortfolioLinks)} portfolio, ${count(links.expectedApplyLinks)} apply links expected)`,
      ok: links.mismatches.length === 0,
    },
    {
      check: 'reconciliation: applied / dead-lettered with reason',
      result: `${count(reconciliation.applied)} / ${count(reconciliation.deadLettered - reconciliation.deadLetteredWithoutReason)} of ${count(reconciliation.delivered)}`,
      ok:
        reconciliation.applied + reconciliation.deadLettered === reconciliation.delivered &&
        reconciliation.deadLetteredWithoutReason === 0,
    },
    {
      check: 'poison dead-lettered on its first receive (EventSchemaError)',
      result: `${count(poison)} of ${count(poison + reconciliation.poisonNotDeadLettered.length)}`,
      ok: reconciliation.poisonNotDeadLettered.length === 0,
    },
  ];
};

const crashRows = (crash: CrashResult, window: CrashWindowResult): Row[] => [
  {
    check: 'crash mid-batch: environments killed / messages redelivered',
    result: `${crash.killedEnvironments} / ${count(crash.redeliveredMessages)}; links ${crash.links.mismatches.length === 0 ? 'equal' : 'DIFFER from'} the rule (${crash.links.mismatches.length} videos)`,
    ok: crash.killedEnvironments > 0 && crash.redeliveredMessages > 0 && crash.links.mismatches.length === 0,
  },
  {
    check: 'crash between a profile’s claims and its item, newer version landing',
    result:
      window.served.mismatches.length === 0
        ? 'links equal the rule'
        : `stale link left: ${JSON.stringify(window.served.mismatches[0]?.served)}`,
    ok: window.served.mismatches.length === 0,
  },
];

/** Messages moved, from `reelhire dlq redrive --json` (one entry per queue). */
const movedBy = (output: unknown): number =>
  Array.isArray(output)
    ? output.reduce(
        (sum: number, entry: unknown) => sum + Number((entry as { moved?: unknown }).moved ?? 0),
        0,
      )
    : 0;

const poisonRows = (poison: PoisonResult): Row[] => [
  {
    check: 'poison: to the DLQ on its first receive, with its reason',
    result: `${poison.deadLetter?.errorType ?? 'not dead-lettered'}, attempt ${poison.deadLetter?.attempts ?? '-'}, ${poison.invocationsForPoison} invocation(s): "${(poison.deadLetter?.reason ?? '').slice(0, 60)}"`,
    ok:
      poison.deadLetter?.attempts === 1 &&
      poison.deadLetter.errorType === 'EventSchemaError' &&
      poison.invocationsForPoison === 1 &&
      poison.linksWhileDeadLettered.mismatches.length === 0,
  },
  {
    check: 'poison fixed in the DLQ, `npx reelhire dlq redrive`, applied',
    result: `moved ${movedBy(poison.redriveOutput)}; links ${poison.linksAfterRedrive.mismatches.length === 0 ? 'as the rule says' : 'WRONG'}; ${poison.deadLettersLeft} left in DLQs`,
    ok:
      movedBy(poison.redriveOutput) === 1 &&
      poison.linksAfterRedrive.mismatches.length === 0 &&
      poison.deadLettersLeft === 0,
  },
];

const applicationRows = (applications: ApplicationsRunResult): Row[] => [
  {
    check: 'applications / status changes / withdrawals / closed with their job, under store faults',
    result: `${count(applications.applications)} / ${count(applications.statusChanges)} / ${count(applications.withdrawals)} / ${count(applications.closedByJob)} (${count(applications.faults)} faults)`,
    ok: applications.applications > 0 && applications.faults > 0,
  },
  {
    check: 'applications in the state the rules give; changes published (lost)',
    result: `${applications.wrongStatus.length} wrong; ${applications.lostEvents.length} lost`,
    ok: applications.wrongStatus.length === 0 && applications.lostEvents.length === 0,
  },
  {
    check: 'notifications to an endpoint down, then up: lost / out of order / bad signatures',
    result: `${applications.lostNotifications.length} / ${applications.orderViolations.length} / ${applications.badSignatures} (${count(applications.notificationsDelivered)} delivered)`,
    ok:
      applications.lostNotifications.length === 0 &&
      applications.orderViolations.length === 0 &&
      applications.badSignatures === 0,
  },
];

const attackRows = (attacks: AttackReport): Row[] =>
  Object.entries(attacks.triedByKind).map(([kind, tried]) => {
    const failed = attacks.failed.filter((outcome) => outcome.kind === kind);
    return {
      check: `hostile inputs: ${kind}`,
      result: `${tried} tried, ${failed.length} let through${failed.length > 0 ? `: ${failed.map((outcome) => outcome.name).join('; ')}` : ''}`,
      ok: tried > 0 && failed.length === 0,
    };
  });

const main = async (): Promise<number> => {
  progress(`seed ${SEED}, ${count(EVENTS)} events; synthesizing…`);
  const assemblyDir = await synthesizeCached();
  const logs: string[][] = [];
  const secrets: SystemUnderTest['secrets'][] = [];

  progress('replaying under faults…');
  const replay = await withSystem(assemblyDir, logs, secrets, 30, (system) =>
    runReplay(system, { events: EVENTS, seed: SEED, quietTimeoutMs: 1_800_000 }),
  );
  progress(`replay done in ${Math.round(replay.durationMs / 1000)} s; crashing handlers…`);
  const [crash, window] = await withSystem(assemblyDir, logs, secrets, 10, async (system) => [
    await runCrash(system, { events: Math.min(EVENTS, 500), seed: SEED + 1 }),
    await runCrashBetweenClaimsAndProfile(system, `window${SEED}`),
  ]);
  progress('poison and hostile inputs…');
  const [poison, attacks] = await withSystem(assemblyDir, logs, secrets, 30, async (system) => [
    await runPoison(system, `poison${SEED}`),
    await runAttacks(system),
  ]);
  progress('applications under faults…');
  const applications = await withSystem(assemblyDir, logs, secrets, 10, (system) =>
    runApplications(system, {
      applicants: Math.max(10, Math.round(EVENTS / 40)),
      jobs: 5,
      seed: SEED,
      faults: evenFaultRates(0.1),
      employerFailures: 3,
      timeoutMs: 600_000,
    }),
  );
  progress('auditing…');
  const lines = logs.flat();
  const secretsScan = scanForSecrets(
    lines,
    secrets.flatMap((values) => secretValuesOf(values, lines)),
  );
  const assembly = readAssembly(assemblyDir);
  const audit = auditTemplates([assembly.templates.stateful, assembly.templates.stateless]);
  const npm = await npmAudit();

  const serverErrors =
    attacks.serverErrors +
    applications.serverErrors +
    replay.links.serverErrors +
    crash.links.serverErrors +
    window.served.serverErrors +
    poison.linksAfterRedrive.serverErrors;
  const lost =
    replay.reconciliation.lost.length +
    replay.reconciliation.poisonNotDeadLettered.length +
    crash.reconciliation.lost.length +
    applications.lostEvents.length +
    applications.lostNotifications.length;
  const explicit = audit.dataResources.filter((finding) => finding.encryption.kind === 'explicit').length;
  const rows: Row[] = [
    ...replayRows(replay),
    ...crashRows(crash, window),
    ...poisonRows(poison),
    ...applicationRows(applications),
    ...attackRows(attacks),
    {
      check: '5xx answers',
      result: `${serverErrors} of ${count(attacks.requests + replay.links.videos)} requests checked`,
      ok: serverErrors === 0,
    },
    { check: 'lost events', result: count(lost), ok: lost === 0 },
    {
      check: 'secrets in logs',
      result: `${secretsScan.hits.reduce((sum, hit) => sum + hit.lines, 0)} (${secretsScan.valuesSearched} values in ${count(secretsScan.linesSearched)} lines)${secretsScan.hits.length > 0 ? `: ${secretsScan.hits.map((hit) => hit.name).join(', ')}` : ''}`,
      ok: secretsScan.hits.length === 0 && secretsScan.linesSearched > 0,
    },
    {
      check: 'wildcard IAM actions',
      result: `${audit.wildcardActions.length} (${audit.allowStatements} Allow statements)${audit.wildcardActions.length > 0 ? `: ${audit.wildcardActions.map((found) => `${found.logicalId} ${found.action}`).join(', ')}` : ''}`,
      ok: audit.wildcardActions.length === 0 && audit.allowStatements > 0,
    },
    {
      check: 'resources without encryption at rest',
      result: `${audit.unencrypted.length} of ${audit.dataResources.length} (${explicit} explicit, ${audit.dataResources.length - explicit} service default)${audit.unencrypted.length > 0 ? `: ${audit.unencrypted.map((finding) => finding.logicalId).join(', ')}` : ''}`,
      ok: audit.unencrypted.length === 0,
    },
    npm.checked
      ? {
          check: 'npm audit --omit=dev: high / critical',
          result: `${npm.vulnerabilities.high} / ${npm.vulnerabilities.critical} (moderate ${npm.vulnerabilities.moderate}, low ${npm.vulnerabilities.low})`,
          ok: npm.vulnerabilities.high === 0 && npm.vulnerabilities.critical === 0,
        }
      : {
          check: 'npm audit --omit=dev: high / critical',
          result: `not checked: ${npm.reason}`,
          ok: undefined,
        },
  ];
  console.log(renderTable(`ReelHire reliability and security — seed ${SEED}, ${count(EVENTS)} events`, rows));
  for (const failure of attacks.failed)
    console.log(`  let through: ${failure.kind} / ${failure.name}: ${failure.detail ?? ''}`);
  for (const mismatch of replay.links.mismatches.slice(0, 5))
    console.log(`  mismatch: ${JSON.stringify(mismatch)}`);
  for (const entry of replay.reconciliation.lost.slice(0, 5)) console.log(`  lost: ${JSON.stringify(entry)}`);
  return rows.some((row) => row.ok === false) ? 1 : 0;
};

process.exitCode = await main();
