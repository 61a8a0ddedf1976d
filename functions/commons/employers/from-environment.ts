import { documentClient } from '#shared/aws/dynamo.ts';
import { secretValues } from '#shared/aws/secrets.ts';
import { requireEnv } from '#shared/config.ts';
import { DynamoEmployers } from './dynamo-employers.ts';
import { EmployerAccounts } from './employer-accounts.ts';
import { StoredSecretGenerations } from './secret-generations.ts';

/** The employer items of this deployment (or local run), from its environment. */
const employerStore = (): DynamoEmployers => new DynamoEmployers(documentClient(), requireEnv('TABLE_NAME'));

/** Which secret generations sign an employer's notifications now. */
export const secretGenerationsFromEnvironment = (): StoredSecretGenerations =>
  new StoredSecretGenerations(employerStore(), () => new Date());

/** The employers' API keys and rotations; `secretOf` derives a signing secret (notify/employer-secret.ts). */
export const employerAccountsFromEnvironment = (
  secretOf: (employerId: string, generation: number) => Promise<string>,
): EmployerAccounts =>
  new EmployerAccounts({
    store: employerStore(),
    masterKeys: () => secretValues('EMPLOYER_SIGNING_KEY'),
    secretOf,
    now: () => new Date(),
  });
