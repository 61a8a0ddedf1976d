import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SecretStore } from '../../local/secrets-manager/secret-store.ts';
import { secretsManagerListener } from '../../local/secrets-manager/secrets-manager-endpoint.ts';
import { clientConfig, DEVELOPER_CREDENTIALS, type LoopbackServer, listenOnLoopback } from './servers.ts';

// The local Secrets Manager through the real SDK client: AWS's name and ARN semantics (FACTS.md), versions and
// staging labels, and the errors the SDK turns into its modeled exceptions.

const ARN_PREFIX = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:';

let store: SecretStore;
let server: LoopbackServer;
let client: SecretsManagerClient;

beforeAll(async () => {
  server = await listenOnLoopback((request, response) => secretsManagerListener(store)(request, response));
  client = new SecretsManagerClient(clientConfig(server.url, DEVELOPER_CREDENTIALS));
});

afterAll(async () => {
  client.destroy();
  await server.close();
});

beforeEach(() => {
  store = new SecretStore();
});

const create = (Name: string, SecretString: string) =>
  client.send(new CreateSecretCommand({ Name, SecretString }));

describe('local Secrets Manager names and ARNs', () => {
  it('gives a secret an ARN ending in - and six random characters, different for two stores', async () => {
    const created = await create('reelhire/dev/hub', 'one');
    expect(created.ARN).toMatch(new RegExp(`^${ARN_PREFIX}reelhire/dev/hub-[A-Za-z0-9]{6}$`));
    expect(created.Name).toBe('reelhire/dev/hub');
    const suffixes = new Set(
      Array.from({ length: 5 }, () => new SecretStore().create({ name: 'same', value: { string: 'x' } }).arn),
    );
    expect(suffixes.size).toBeGreaterThan(1);
  });

  it('finds a secret by name, full ARN and partial ARN', async () => {
    const { ARN } = await create('reelhire/dev/hub', 'hub-value');
    for (const SecretId of ['reelhire/dev/hub', ARN!, `${ARN_PREFIX}reelhire/dev/hub`]) {
      const value = await client.send(new GetSecretValueCommand({ SecretId }));
      expect({ SecretId, value: value.SecretString, arn: value.ARN }).toEqual({
        SecretId,
        value: 'hub-value',
        arn: ARN,
      });
    }
  });

  it('reads the partial ARN of a name ending in - and six characters as a full ARN, and does not find it', async () => {
    const { ARN } = await create('reelhire/dev/tiktok-client-secret', 'tiktok');
    const partial = `${ARN_PREFIX}reelhire/dev/tiktok-client-secret`;
    const refused = client.send(new GetSecretValueCommand({ SecretId: partial }));
    await expect(refused).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(refused).rejects.toThrow("Secrets Manager can't find the specified secret.");
    // The name and the full ARN still work.
    for (const SecretId of ['reelhire/dev/tiktok-client-secret', ARN!]) {
      expect((await client.send(new GetSecretValueCommand({ SecretId }))).SecretString).toBe('tiktok');
    }
  });

  it('does not find a full ARN whose suffix is not the secret’s', async () => {
    const { ARN } = await create('reelhire/dev/hub', 'x');
    const wrongSuffix = `${ARN!.slice(0, -6)}${ARN!.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'}`;
    await expect(client.send(new GetSecretValueCommand({ SecretId: wrongSuffix }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('refuses a second secret of the same name with ResourceExistsException', async () => {
    await create('reelhire/dev/hub', 'x');
    await expect(create('reelhire/dev/hub', 'y')).rejects.toBeInstanceOf(ResourceExistsException);
  });
});

describe('local Secrets Manager versions and staging labels', () => {
  it('moves AWSCURRENT to a new value and AWSPREVIOUS to the old one', async () => {
    const created = await create('employer-key', 'v1');
    const put = await client.send(
      new PutSecretValueCommand({ SecretId: 'employer-key', SecretString: 'v2' }),
    );
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    const current = await client.send(new GetSecretValueCommand({ SecretId: 'employer-key' }));
    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'employer-key', VersionStage: 'AWSPREVIOUS' }),
    );
    expect([current.SecretString, current.VersionId, current.VersionStages]).toEqual([
      'v2',
      put.VersionId,
      ['AWSCURRENT'],
    ]);
    expect([previous.SecretString, previous.VersionId, previous.VersionStages]).toEqual([
      'v1',
      created.VersionId,
      ['AWSPREVIOUS'],
    ]);
    const byId = await client.send(
      new GetSecretValueCommand({ SecretId: 'employer-key', VersionId: created.VersionId }),
    );
    expect(byId.SecretString).toBe('v1');
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'employer-key' }));
    expect(described.VersionIdsToStages).toEqual({
      [created.VersionId!]: ['AWSPREVIOUS'],
      [put.VersionId!]: ['AWSCURRENT'],
    });
    expect(described.CreatedDate).toBeInstanceOf(Date);
  });

  it('drops a version out of the labels after two more values', async () => {
    const first = await create('key', 'v1');
    await client.send(new PutSecretValueCommand({ SecretId: 'key', SecretString: 'v2' }));
    await client.send(new PutSecretValueCommand({ SecretId: 'key', SecretString: 'v3' }));
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'key' }));
    expect(Object.keys(described.VersionIdsToStages ?? {})).not.toContain(first.VersionId);
    await expect(
      client.send(
        new GetSecretValueCommand({
          SecretId: 'key',
          VersionId: first.VersionId,
          VersionStage: 'AWSCURRENT',
        }),
      ),
    ).rejects.toThrow(
      `Secrets Manager can't find the specified secret value for VersionId: ${first.VersionId}`,
    );
    // Still there by id alone: deprecated, not deleted.
    expect(
      (await client.send(new GetSecretValueCommand({ SecretId: 'key', VersionId: first.VersionId })))
        .SecretString,
    ).toBe('v1');
  });

  it('treats a repeated ClientRequestToken as the same version, and refuses to change that version', async () => {
    await create('key', 'v1');
    const token = '11111111-2222-3333-4444-555555555555';
    const first = await client.send(
      new PutSecretValueCommand({ SecretId: 'key', SecretString: 'v2', ClientRequestToken: token }),
    );
    const again = await client.send(
      new PutSecretValueCommand({ SecretId: 'key', SecretString: 'v2', ClientRequestToken: token }),
    );
    expect(again.VersionId).toBe(first.VersionId);
    expect(
      (await client.send(new GetSecretValueCommand({ SecretId: 'key', VersionStage: 'AWSPREVIOUS' })))
        .SecretString,
    ).toBe('v1');
    await expect(
      client.send(
        new PutSecretValueCommand({ SecretId: 'key', SecretString: 'other', ClientRequestToken: token }),
      ),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('answers a missing staging label and a missing secret with ResourceNotFoundException', async () => {
    await client.send(new CreateSecretCommand({ Name: 'empty' }));
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'empty' }))).rejects.toThrow(
      "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'nothing' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('keeps binary values as bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await client.send(new CreateSecretCommand({ Name: 'binary', SecretBinary: bytes }));
    const value = await client.send(new GetSecretValueCommand({ SecretId: 'binary' }));
    expect(value.SecretString).toBeUndefined();
    expect([...(value.SecretBinary ?? [])]).toEqual([...bytes]);
  });
});

describe('local Secrets Manager listing', () => {
  it('filters by name prefix (case-sensitive, ! negates) and pages with NextToken', async () => {
    for (const name of ['reelhire/dev/a', 'reelhire/dev/b', 'reelhire/prod/c', 'other'])
      await create(name, name);
    const names = async (Filters: { Key: 'name'; Values: string[] }[]) =>
      ((await client.send(new ListSecretsCommand({ Filters }))).SecretList ?? []).map(
        (secret) => secret.Name,
      );
    expect(await names([{ Key: 'name', Values: ['reelhire/dev/'] }])).toEqual([
      'reelhire/dev/a',
      'reelhire/dev/b',
    ]);
    expect(await names([{ Key: 'name', Values: ['Reelhire/'] }])).toEqual([]);
    expect(await names([{ Key: 'name', Values: ['!reelhire/'] }])).toEqual(['other']);

    const firstPage = await client.send(new ListSecretsCommand({ MaxResults: 3 }));
    const secondPage = await client.send(
      new ListSecretsCommand({ MaxResults: 3, NextToken: firstPage.NextToken }),
    );
    expect(firstPage.SecretList).toHaveLength(3);
    expect(secondPage.NextToken).toBeUndefined();
    expect(
      [...(firstPage.SecretList ?? []), ...(secondPage.SecretList ?? [])].map((secret) => secret.Name),
    ).toEqual(['reelhire/dev/a', 'reelhire/dev/b', 'reelhire/prod/c', 'other']);
    expect(Object.values(firstPage.SecretList?.[0]?.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']]);
  });
});
