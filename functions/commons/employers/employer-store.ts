import type { Employer } from './employer.ts';

/** The employer items (docs/data-model.md). */
export interface EmployerStore {
  /** The stored employer, or a new one (generation 0) when it was never written. */
  get(employerId: string): Promise<Employer>;
  /** Writes `next` if the stored employer is still at `expectedRevision`; false when another write came first. */
  replace(next: Employer, expectedRevision: number): Promise<boolean>;
}
