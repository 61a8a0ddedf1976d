import {
  apiKeyOf,
  type Employer,
  employerIdOfKey,
  isCurrentKey,
  keyRotated,
  secretRotated,
} from './employer.ts';
import type { EmployerStore } from './employer-store.ts';

export interface EmployerAccountDependencies {
  readonly store: EmployerStore;
  /** Every current value of EMPLOYER_SIGNING_KEY, the signing one first. */
  readonly masterKeys: () => Promise<readonly string[]>;
  /** The employer's signing secret of a generation (notify/employer-secret.ts). */
  readonly secretOf: (employerId: string, generation: number) => Promise<string>;
  readonly now: () => Date;
}

/** Concurrent rotations of one employer retry on the revision they lost to. */
const MAX_TRIES = 5;

/**
 * The employer's credentials: who an API key is, and its rotations (CONTRACT §6). A key is checked against the
 * stored generation on every request (a consistent read), so a rotated key fails at once.
 */
export class EmployerAccounts {
  constructor(private readonly deps: EmployerAccountDependencies) {}

  /** The employer whose current key this is, or undefined (a wrong, rotated or malformed key). */
  async authenticate(key: string): Promise<Employer | undefined> {
    const employerId = employerIdOfKey(key);
    if (employerId === undefined) return undefined;
    const [employer, masterKeys] = await Promise.all([
      this.deps.store.get(employerId),
      this.deps.masterKeys(),
    ]);
    return isCurrentKey(key, employer, masterKeys) ? employer : undefined;
  }

  /** The employer's current API key (what `npx reelhire employer-key` prints). */
  async currentKey(employerId: string): Promise<string> {
    const [employer, [masterKey]] = await Promise.all([
      this.deps.store.get(employerId),
      this.deps.masterKeys(),
    ]);
    if (masterKey === undefined) throw new Error('EMPLOYER_SIGNING_KEY has no value');
    return apiKeyOf(masterKey, employerId, employer.keyGeneration);
  }

  /**
   * A new key; the one `authenticated` was checked with stops working. Undefined when another rotation of the
   * same key came first: that key is gone, and the caller holds neither.
   */
  async rotateKey(authenticated: Employer): Promise<string | undefined> {
    for (let tries = 1, employer = authenticated; ; tries++) {
      if (employer.keyGeneration !== authenticated.keyGeneration) return undefined;
      const rotated = keyRotated(employer);
      if (await this.deps.store.replace(rotated, employer.revision)) {
        const [masterKey] = await this.deps.masterKeys();
        if (masterKey === undefined) throw new Error('EMPLOYER_SIGNING_KEY has no value');
        return apiKeyOf(masterKey, employer.employerId, rotated.keyGeneration);
      }
      // Another write (a secret rotation) came between: read again.
      if (tries >= MAX_TRIES)
        throw new Error(`employer ${employer.employerId}: ${MAX_TRIES} conflicting writes`);
      employer = await this.deps.store.get(employer.employerId);
    }
  }

  /** A new signing secret; the previous ones keep signing for 24 hours. */
  async rotateSecret(employerId: string): Promise<string> {
    for (let tries = 1; ; tries++) {
      const employer = await this.deps.store.get(employerId);
      const rotated = secretRotated(employer, this.deps.now());
      if (await this.deps.store.replace(rotated, employer.revision)) {
        return this.deps.secretOf(employerId, rotated.secretGeneration);
      }
      if (tries >= MAX_TRIES) throw new Error(`employer ${employerId}: ${MAX_TRIES} conflicting rotations`);
    }
  }
}
