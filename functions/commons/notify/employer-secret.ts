import { createHmac } from 'node:crypto';

/**
 * An employer's Standard Webhooks signing secret, derived from the master key (EMPLOYER_SIGNING_KEY) so that
 * nothing per employer has to be stored or provisioned: `whsec_` + base64 of HMAC-SHA256(master, employerId)
 * for its first generation, and of HMAC-SHA256 under a key of its own for each generation after a rotation.
 * The notifier signs with it and `npx reelhire employer-secret <employerId>` prints it for onboarding.
 * It is a secret: never log it, never put it in an event.
 */
export const employerSecret = (masterKey: string, employerId: string, generation = 0): string => {
  if (generation === 0)
    return `whsec_${createHmac('sha256', masterKey).update(employerId, 'utf8').digest('base64')}`;
  const rotated = createHmac('sha256', masterKey).update('reelhire employer secret generations').digest();
  return `whsec_${createHmac('sha256', rotated).update(`${generation}:${employerId}`, 'utf8').digest('base64')}`;
};

/** Which secret generations sign an employer's notifications now, newest first (employers/employer.ts). */
export interface SecretGenerations {
  signingGenerations(employerId: string): Promise<readonly number[]>;
}

/** Each employer's secret of a generation, derived from the master key as it is now (it may rotate). */
export const derivedEmployerSecrets =
  (masterKey: () => Promise<string>) =>
  async (employerId: string, generation = 0): Promise<string> =>
    employerSecret(await masterKey(), employerId, generation);

/** Every secret that signs an employer's notifications now, newest first. */
export const signingSecrets =
  (masterKey: () => Promise<string>, generations: SecretGenerations) =>
  async (employerId: string): Promise<readonly string[]> => {
    const [master, current] = await Promise.all([masterKey(), generations.signingGenerations(employerId)]);
    return current.map((generation) => employerSecret(master, employerId, generation));
  };
