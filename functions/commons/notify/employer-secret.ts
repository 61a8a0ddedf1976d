import { createHmac } from 'node:crypto';

/**
 * An employer's Standard Webhooks signing secret, derived from the master key (EMPLOYER_SIGNING_KEY) so that
 * nothing per employer has to be stored or provisioned: `whsec_` + base64 of HMAC-SHA256(master, employerId).
 * The notifier signs with it and `npx reelhire employer-secret <employerId>` prints it for onboarding.
 * It is a secret: never log it, never put it in an event.
 */
export const employerSecret = (masterKey: string, employerId: string): string =>
  `whsec_${createHmac('sha256', masterKey).update(employerId, 'utf8').digest('base64')}`;

/** Each employer's secret, derived from the master key as it is now (it may rotate between two uses). */
export const derivedEmployerSecrets =
  (masterKey: () => Promise<string>) =>
  async (employerId: string): Promise<string> =>
    employerSecret(await masterKey(), employerId);
