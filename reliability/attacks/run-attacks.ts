import type { SystemUnderTest } from '../system-under-test.ts';
import { securedRoutes, seedParties } from './api-parties.ts';
import { applicationAttacks } from './application-attacks.ts';
import { bodyAttacks } from './body-attacks.ts';
import { ATTACK_KINDS, type AttackKind, type AttackOutcome, HostileRun } from './hostile-run.ts';
import { jwtAttacks } from './jwt-attacks.ts';
import { keyAttacks } from './key-attacks.ts';
import { linkAttacks } from './link-attacks.ts';
import { localEndpointAttacks } from './local-endpoint-attacks.ts';
import { ssrfAttacks } from './ssrf-attacks.ts';
import { webhookAttacks } from './webhook-attacks.ts';
import { websubAttacks } from './websub-attacks.ts';

/**
 * The employer and applicant APIs, on every route the OpenAPI document says takes a key or a token: ids,
 * notes and cursors first, with the victim's first key; then the keys, ending with its rotation.
 */
const employerAndApplicantAttacks = async (run: HostileRun): Promise<void> => {
  const routes = await securedRoutes(run);
  const parties = await seedParties(run);
  await applicationAttacks(run, routes, parties);
  await keyAttacks(run, routes, parties);
};

export interface AttackReport {
  readonly outcomes: readonly AttackOutcome[];
  /** Hostile inputs tried, by kind. */
  readonly triedByKind: Readonly<Record<AttackKind, number>>;
  readonly failed: readonly AttackOutcome[];
  readonly requests: number;
  /** Answers of 500 or more, to any request of the run. */
  readonly serverErrors: number;
}

/**
 * Every hostile input against the running stack: signatures, forged WebSub verifications, tokens, SSRF, XML,
 * pollution, size, depth; the local-only endpoints from a rebound name and from another origin in a real
 * browser; odd portfolio urls and forged vias; employer keys and viewer tokens forged, crossed or rotated away,
 * enumerated application ids, oversized notes and bad cursors on the employer and applicant APIs.
 */
export const runAttacks = async (system: SystemUnderTest): Promise<AttackReport> => {
  const run = new HostileRun(system);
  try {
    await webhookAttacks(run);
    await websubAttacks(run);
    await jwtAttacks(run);
    await bodyAttacks(run);
    await ssrfAttacks(run);
    await localEndpointAttacks(run);
    await linkAttacks(run);
    await employerAndApplicantAttacks(run);
  } finally {
    run.dispose();
  }
  const triedByKind = Object.fromEntries(
    ATTACK_KINDS.map((kind) => [kind, run.outcomes.filter((outcome) => outcome.kind === kind).length]),
  ) as Record<AttackKind, number>;
  return {
    outcomes: run.outcomes,
    triedByKind,
    failed: run.outcomes.filter((outcome) => !outcome.passed),
    requests: run.requests,
    serverErrors: run.serverErrors,
  };
};
