import { createHmac, timingSafeEqual } from 'node:crypto';
import { id } from '#events/fields.ts';

/**
 * An employer as the employer API knows it (CONTRACT §6), as pure functions: its API key is derived (HMAC) from
 * the master key EMPLOYER_SIGNING_KEY, its id and its key generation, so nothing secret is stored and rotating
 * is one conditional write that bumps the generation (the old key fails at once); its signing secrets likewise
 * by secret generation, each current from its rotation on, and every one current in the last 24 hours signs.
 */
export interface Employer {
  readonly employerId: string;
  readonly keyGeneration: number;
  readonly secretGeneration: number;
  /** When each secret generation after the first became current, oldest first (pruned beyond the overlap). */
  readonly secretRotations: readonly { readonly generation: number; readonly at: string }[];
  /** Bumped by every write: the next write is conditional on it (0: never written). */
  readonly revision: number;
}

/** An employer never seen: its first key and secret are generation 0. */
export const newEmployer = (employerId: string): Employer => ({
  employerId,
  keyGeneration: 0,
  secretGeneration: 0,
  secretRotations: [],
  revision: 0,
});

/** How long a replaced signing secret keeps signing (Svix keeps the old secret valid 24 h after a rotation). */
export const SECRET_OVERLAP_MS = 24 * 3600 * 1000;

const API_KEY_PREFIX = 'rhk_';

/** The API key of an employer at a generation: the employer's id (readable) and a MAC only the master can make. */
export const apiKeyOf = (masterKey: string, employerId: string, generation: number): string => {
  const keys = createHmac('sha256', masterKey).update('reelhire employer api keys').digest();
  const mac = createHmac('sha256', keys).update(`${generation}:${employerId}`, 'utf8').digest('base64url');
  return `${API_KEY_PREFIX}${Buffer.from(employerId, 'utf8').toString('base64url')}.${mac}`;
};

/** The employer a key claims to be from, before anything is checked; undefined when it is not a key's shape. */
export const employerIdOfKey = (key: string): string | undefined => {
  const match = /^rhk_([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]{43}$/.exec(key);
  if (!match?.[1]) return undefined;
  const employerId = Buffer.from(match[1], 'base64url').toString('utf8');
  return id.safeParse(employerId).success ? employerId : undefined;
};

/** True when `key` is the employer's current key under any of the master key's current values (rotation). */
export const isCurrentKey = (key: string, employer: Employer, masterKeys: readonly string[]): boolean =>
  masterKeys.some((masterKey) => {
    const expected = Buffer.from(apiKeyOf(masterKey, employer.employerId, employer.keyGeneration));
    const given = Buffer.from(key);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });

export const keyRotated = (employer: Employer): Employer => ({
  ...employer,
  keyGeneration: employer.keyGeneration + 1,
  revision: employer.revision + 1,
});

/** When a generation became current: generation 0 always was. */
const sinceOf = (employer: Employer, generation: number): number =>
  generation === 0
    ? Number.NEGATIVE_INFINITY
    : Date.parse(employer.secretRotations.find((rotation) => rotation.generation === generation)?.at ?? '');

/** The secret generations that were current at some moment of the last 24 hours, newest first. */
export const signingGenerations = (employer: Employer, now: Date): number[] => {
  const generations = [employer.secretGeneration];
  for (let generation = employer.secretGeneration - 1; generation >= 0; generation--) {
    // A generation stopped being current when the next one started.
    const replacedAt = sinceOf(employer, generation + 1);
    if (!(replacedAt > now.getTime() - SECRET_OVERLAP_MS)) break;
    generations.push(generation);
  }
  return generations;
};

/** A new signing secret generation, current from `at`; rotations that can no longer matter are dropped. */
export const secretRotated = (employer: Employer, at: Date): Employer => {
  const generation = employer.secretGeneration + 1;
  const keep = employer.secretRotations.filter(
    (rotation) => Date.parse(rotation.at) > at.getTime() - 2 * SECRET_OVERLAP_MS,
  );
  return {
    ...employer,
    secretGeneration: generation,
    secretRotations: [...keep, { generation, at: at.toISOString() }],
    revision: employer.revision + 1,
  };
};
