import type { SecretGenerations } from '#notify/employer-secret.ts';
import { signingGenerations } from './employer.ts';
import type { EmployerStore } from './employer-store.ts';

/** The secret generations that sign an employer's notifications now, from its stored rotations. */
export class StoredSecretGenerations implements SecretGenerations {
  constructor(
    private readonly store: EmployerStore,
    private readonly now: () => Date,
  ) {}

  async signingGenerations(employerId: string): Promise<readonly number[]> {
    return signingGenerations(await this.store.get(employerId), this.now());
  }
}
