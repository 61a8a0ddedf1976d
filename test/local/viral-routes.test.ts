import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SYNTH_CONTEXT } from '../../lib/config.ts';
import { THROTTLE_CLASSES, VIEWER_RATE_LIMIT } from '../../lib/front-door.ts';
import { synthesizeCached } from '../../lib/synthesize.ts';
import type { ResolvedResource } from '../../local/cloudformation/intrinsics.ts';
import {
  ACCOUNT_CONCURRENCY_VARIABLE,
  checkAccountConcurrency,
} from '../../local/lambda/account-concurrency.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { runAssembly, startDevStack } from '../support/run-assembly.ts';

/**
 * `viralTapsPerSecond` (docs/deploy.md §9b) under `npm start`, as AWS would take it: the stack refuses to start on
 * an account whose concurrency quota cannot hold the reservations (Lambda refuses that deploy), and once the quota
 * is given, a viral video's redirect takes at one instant what the viewer class would answer 429.
 */

const VIRAL = 100_000;
/** Taps at one instant: above the viewer class's burst, under WAF's per-IP count for the window. */
const AT_ONCE = THROTTLE_CLASSES.viewer.burstLimit + 30;

/** `AT_ONCE` taps of a video nobody posted (404 from the function, 429 from the throttle), at one instant. */
const statusesOfBurst = async (stack: LocalStack): Promise<number[]> => {
  const statuses: number[] = [];
  for (let tap = 0; tap < AT_ONCE; tap++) {
    const response = await fetch(`${stack.url}/links/tiktok/v-unknown/portfolio`, { redirect: 'manual' });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
};

describe('a viral rate under npm start', () => {
  let cacheRoot = '';
  let assemblyDir = '';

  beforeAll(async () => {
    expect(AT_ONCE).toBeLessThan(VIEWER_RATE_LIMIT.requests);
    // Its own cache, as the other prod synths of the suite: the shared one keeps the few most recent assemblies.
    cacheRoot = await mkdtemp(join(tmpdir(), 'reelhire-viral-synth-'));
    assemblyDir = await synthesizeCached({
      context: { stage: 'prod', viralTapsPerSecond: String(VIRAL), [LOCAL_SYNTH_CONTEXT]: true },
      cacheRoot,
    });
  }, 600_000);
  afterAll(async () => {
    if (cacheRoot !== '') await rm(cacheRoot, { recursive: true, force: true });
  });

  it('refuses to start on an account whose concurrency quota cannot hold the reservations', async () => {
    await expect(runAssembly(assemblyDir, { env: { PATH: process.env.PATH } })).rejects.toThrow(
      /reserve 8460 concurrent executions, which decreases the account's unreserved concurrency below its minimum value of 100 \(account quota 1000/,
    );
  });

  it('takes a viral burst that the viewer class answers 429, once the quota is given', async () => {
    const dev = await startDevStack({ frontDoorClock: () => 1_000_000 });
    let planned: number[];
    try {
      planned = await statusesOfBurst(dev);
    } finally {
      await dev.stop();
    }
    expect(planned.filter((status) => status === 429)).toHaveLength(
      AT_ONCE - THROTTLE_CLASSES.viewer.burstLimit,
    );

    const viral = await runAssembly(assemblyDir, {
      env: { PATH: process.env.PATH, [ACCOUNT_CONCURRENCY_VARIABLE]: '8560' },
      frontDoorClock: () => 1_000_000,
    });
    try {
      expect(new Set(await statusesOfBurst(viral))).toEqual(new Set([404]));
    } finally {
      await viral.stop();
    }
  });
});

describe('the account’s concurrency quota, as Lambda keeps 100 executions unreserved', () => {
  const functionsReserving = (...reservations: number[]): ResolvedResource[] =>
    reservations.map((reserved, index) => ({
      stackName: 'ReelHire-dev-Stateless',
      logicalId: `Fn${index}`,
      type: 'AWS::Lambda::Function',
      properties: { ReservedConcurrentExecutions: reserved },
      metadata: {},
      assemblyDir: '.',
      identity: { ref: `fn-${index}`, attribute: () => undefined },
    }));

  it('takes reservations that leave exactly 100 of the quota unreserved, and refuses one more', () => {
    expect(checkAccountConcurrency(functionsReserving(600, 300), {})).toBe(900);
    expect(() => checkAccountConcurrency(functionsReserving(600, 301), {})).toThrow(
      /reserve 901 concurrent executions.*account quota 1000/,
    );
    expect(
      checkAccountConcurrency(functionsReserving(600, 301), { [ACCOUNT_CONCURRENCY_VARIABLE]: '1001' }),
    ).toBe(901);
  });

  it('refuses a quota that is not a whole number of at least 100', () => {
    for (const value of ['99', 'lots', '1e3.5']) {
      expect(() => checkAccountConcurrency([], { [ACCOUNT_CONCURRENCY_VARIABLE]: value })).toThrow(
        `${ACCOUNT_CONCURRENCY_VARIABLE} must be a whole number of at least 100`,
      );
    }
  });
});
