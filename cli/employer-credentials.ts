import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { DynamoEmployers } from '#employers/dynamo-employers.ts';
import { apiKeyOf, type Employer, newEmployer } from '#employers/employer.ts';
import { employerSecret } from '#notify/employer-secret.ts';
import { RemoteError, UsageError } from './cli-error.ts';
import { localSecret } from './local-secrets.ts';
import { note } from './output.ts';
import { withStackTable } from './stack-table.ts';
import { regionOption, urlOption } from './target.ts';

/**
 * `reelhire employer-key <employerId>` and `reelhire employer-secret <employerId>`: the employer's current API
 * key and signing secret, derived from the master key exactly as the functions derive them, at the generations
 * the employer item holds (rotations bump them). Printing them is the commands' job.
 */

export interface CredentialOptions {
  readonly url: string;
  readonly region?: string;
  readonly secretName?: string;
  readonly stage: string;
}

/** The master key of a deployed stack, from Secrets Manager (the first value, as the functions sign with). */
const deployedMasterKey = async (region: string, secretName: string): Promise<string> => {
  const client = new SecretsManagerClient({ region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
    const master = SecretString?.split(/\s+/).find((value) => value !== '');
    if (master === undefined) throw new RemoteError(`secret ${secretName} has no string value`);
    return master;
  } finally {
    client.destroy();
  }
};

export const masterKeyOf = async (options: CredentialOptions): Promise<string> => {
  if (options.region === undefined && options.secretName === undefined)
    return localSecret('EMPLOYER_SIGNING_KEY').value;
  if (options.region === undefined || options.secretName === undefined)
    throw new UsageError('--region and --secret-name go together (the master key of a deployed stack)');
  return deployedMasterKey(options.region, options.secretName);
};

/**
 * The employer as stored. A local stack that is not running has no rotation to tell of: the first generations
 * then, said on stderr; a deployed stack's table must answer.
 */
const employerOf = async (employerId: string, options: CredentialOptions): Promise<Employer> => {
  try {
    return await withStackTable(options, ({ documents, tableName }) =>
      new DynamoEmployers(documents, tableName).get(employerId),
    );
  } catch (error) {
    if (options.region !== undefined || !(error instanceof RemoteError)) throw error;
    note(`no running stack at ${options.url}: the first generation, which holds until a rotation`);
    return newEmployer(employerId);
  }
};

/** The employer's current signing secret (what the listener verifies with). */
export const currentEmployerSecret = async (
  employerId: string,
  options: CredentialOptions,
): Promise<string> => {
  const master = await masterKeyOf(options);
  const employer = await employerOf(employerId, options);
  return employerSecret(master, employerId, employer.secretGeneration);
};

/** The employer's current API key (what the employer API takes as `Authorization: Bearer <key>`). */
export const currentEmployerKey = async (employerId: string, options: CredentialOptions): Promise<string> => {
  const master = await masterKeyOf(options);
  const employer = await employerOf(employerId, options);
  return apiKeyOf(master, employerId, employer.keyGeneration);
};

const credentialCommand = (program: Command, name: string, summary: string, description: string) =>
  program
    .command(name)
    .summary(summary)
    .description(description)
    .argument('<employerId>')
    .addOption(urlOption())
    .addOption(regionOption('the master key and the table'))
    .option(
      '--secret-name <name>',
      "the master key's secret (name or ARN) in Secrets Manager; needs --region",
    )
    .option('--stage <stage>', "the stack's stage", 'dev');

export const registerEmployerCredentials = (program: Command): void => {
  credentialCommand(
    program,
    'employer-key',
    "print an employer's current API key",
    'Prints the key the employer calls the employer API with (Authorization: Bearer <key>), derived from the ' +
      'master key (EMPLOYER_SIGNING_KEY, else its development default, or a deployed stack’s with --region) at ' +
      'the key generation the stack holds for the employer (POST /employer/key/rotate bumps it).',
  ).action(async (employerId: string, options: CredentialOptions) => {
    process.stdout.write(`${await currentEmployerKey(employerId, options)}\n`);
  });
  credentialCommand(
    program,
    'employer-secret',
    "print an employer's webhook signing secret",
    "Prints the employer's current Standard Webhooks secret (whsec_…), derived from the master key the " +
      'notifier uses (EMPLOYER_SIGNING_KEY, else its development default, or a deployed stack’s with --region) at ' +
      'the secret generation the stack holds (POST /employer/secret/rotate bumps it).',
  ).action(async (employerId: string, options: CredentialOptions) => {
    process.stdout.write(`${await currentEmployerSecret(employerId, options)}\n`);
  });
};
