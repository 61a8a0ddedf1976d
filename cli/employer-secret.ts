import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { employerSecret } from '#notify/employer-secret.ts';
import { RemoteError, UsageError } from './cli-error.ts';
import { localSecret } from './local-secrets.ts';
import { regionOption } from './target.ts';

/**
 * `reelhire employer-secret <employerId>`: the employer's Standard Webhooks secret, for onboarding, derived
 * from the master key exactly as the notifier derives it. Printing it is the command's job.
 */

interface EmployerSecretOptions {
  readonly region?: string;
  readonly secretName?: string;
}

/** The master key of a deployed stack, from Secrets Manager (the first value, as the notifier signs with). */
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

export const masterKeyOf = async (options: EmployerSecretOptions): Promise<string> => {
  if (options.region === undefined && options.secretName === undefined)
    return localSecret('EMPLOYER_SIGNING_KEY').value;
  if (options.region === undefined || options.secretName === undefined)
    throw new UsageError('--region and --secret-name go together (the master key of a deployed stack)');
  return deployedMasterKey(options.region, options.secretName);
};

export const registerEmployerSecret = (program: Command): void => {
  program
    .command('employer-secret')
    .summary("print an employer's webhook signing secret")
    .description(
      "Prints the employer's Standard Webhooks secret (whsec_…), derived from the master key the notifier uses: " +
        "EMPLOYER_SIGNING_KEY (else its development default), or a deployed stack's master key in Secrets Manager.",
    )
    .argument('<employerId>')
    .addOption(regionOption('the master key'))
    .option(
      '--secret-name <name>',
      "the master key's secret (name or ARN) in Secrets Manager; needs --region",
    )
    .action(async (employerId: string, options: EmployerSecretOptions) => {
      process.stdout.write(`${employerSecret(await masterKeyOf(options), employerId)}\n`);
    });
};
