import { randomUUID } from 'node:crypto';
import { arrayField, isJsonObject, type JsonObject, numberField, stringField } from '../json.ts';
import type { Secret, SecretStore, SecretValue, SecretVersion, Tag } from './secret-store.ts';
import { invalidParameter, SecretsManagerError } from './secrets-manager-error.ts';

/**
 * The Secrets Manager operations local mode serves (AWS JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`),
 * with the fields and errors of the Secrets Manager API reference. Timestamps are epoch seconds, as the
 * protocol sends them; binary values base64.
 */
export type SecretsManagerOperation = (store: SecretStore, input: JsonObject) => JsonObject;

const seconds = (date: Date): number => date.getTime() / 1000;

const required = (input: JsonObject, field: string): string => {
  const value = stringField(input, field);
  if (value === undefined || value === '')
    throw new SecretsManagerError(
      'ValidationException',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
};

const secretValueOf = (input: JsonObject): SecretValue | undefined => {
  const text = stringField(input, 'SecretString');
  const binary = stringField(input, 'SecretBinary');
  if (text !== undefined && binary !== undefined)
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  if (text !== undefined) return { string: text };
  if (binary !== undefined) return { binary: Buffer.from(binary, 'base64') };
  return undefined;
};

/** `{name: value}` when the value is present, `{}` otherwise (optional properties stay absent). */
const optional = <Name extends string, Value>(name: Name, value: Value | undefined) =>
  (value === undefined ? {} : { [name]: value }) as { [key in Name]?: Value };

const tagsOf = (input: JsonObject): Tag[] =>
  arrayField(input, 'Tags')
    .filter(isJsonObject)
    .map((tag) => ({ Key: stringField(tag, 'Key') ?? '', Value: stringField(tag, 'Value') ?? '' }));

const stagesOf = (secret: Secret): JsonObject =>
  Object.fromEntries(
    [...secret.versions.values()]
      .filter((version) => version.stages.size > 0)
      .map((version) => [version.versionId, [...version.stages]]),
  );

const description = (secret: Secret): JsonObject => ({
  ARN: secret.arn,
  Name: secret.name,
  ...(secret.description !== undefined ? { Description: secret.description } : {}),
  ...(secret.kmsKeyId !== undefined ? { KmsKeyId: secret.kmsKeyId } : {}),
  LastChangedDate: seconds(secret.lastChangedDate),
  ...(secret.lastAccessedDate ? { LastAccessedDate: seconds(secret.lastAccessedDate) } : {}),
  ...(secret.tags.length > 0 ? { Tags: secret.tags } : {}),
  CreatedDate: seconds(secret.createdDate),
});

const valueFields = (version: SecretVersion): JsonObject =>
  'string' in version.value
    ? { SecretString: version.value.string }
    : { SecretBinary: Buffer.from(version.value.binary).toString('base64') };

/** ListSecrets filters (API reference, Filter): prefix matches, `!` negates, `all` matches words anywhere. */
const matchesFilter = (secret: Secret, filter: JsonObject): boolean => {
  const key = stringField(filter, 'Key');
  const values = arrayField(filter, 'Values').filter((value): value is string => typeof value === 'string');
  const fieldsOf = (): { values: string[]; caseSensitive: boolean } => {
    switch (key) {
      case 'name':
        return { values: [secret.name], caseSensitive: true };
      case 'description':
        return { values: secret.description ? [secret.description] : [], caseSensitive: false };
      case 'tag-key':
        return { values: secret.tags.map((tag) => tag.Key), caseSensitive: true };
      case 'tag-value':
        return { values: secret.tags.map((tag) => tag.Value), caseSensitive: true };
      case 'all': {
        const words = [
          secret.name,
          secret.description ?? '',
          ...secret.tags.flatMap((tag) => [tag.Key, tag.Value]),
        ]
          .flatMap((text) => text.split(/[\s/_+=.@-]+/))
          .filter((word) => word !== '');
        return { values: words, caseSensitive: false };
      }
      default:
        throw invalidParameter(`Invalid filter key: ${key}`);
    }
  };
  const { values: candidates, caseSensitive } = fieldsOf();
  const fold = (text: string) => (caseSensitive ? text : text.toLowerCase());
  return values.some((value) => {
    const negated = value.startsWith('!');
    const prefix = fold(negated ? value.slice(1) : value);
    const found = candidates.some((candidate) => fold(candidate).startsWith(prefix));
    return negated ? !found : found;
  });
};

export const SECRETS_MANAGER_OPERATIONS: Readonly<Record<string, SecretsManagerOperation>> = {
  CreateSecret: (store, input) => {
    const secret = store.create({
      name: required(input, 'Name'),
      ...optional('value', secretValueOf(input)),
      versionId: stringField(input, 'ClientRequestToken') ?? randomUUID(),
      ...(stringField(input, 'Description') !== undefined
        ? { description: stringField(input, 'Description')! }
        : {}),
      ...(stringField(input, 'KmsKeyId') !== undefined ? { kmsKeyId: stringField(input, 'KmsKeyId')! } : {}),
      tags: tagsOf(input),
    });
    const version = [...secret.versions.keys()][0];
    return { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version } : {}) };
  },

  PutSecretValue: (store, input) => {
    const secret = store.get(required(input, 'SecretId'));
    const value = secretValueOf(input);
    if (!value) throw invalidParameter('You must provide either SecretString or SecretBinary.');
    const stages = arrayField(input, 'VersionStages').filter(
      (stage): stage is string => typeof stage === 'string',
    );
    const version = store.putValue(
      secret.arn,
      value,
      stringField(input, 'ClientRequestToken') ?? randomUUID(),
      stages.length > 0 ? stages : undefined,
    );
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      VersionStages: [...version.stages],
    };
  },

  GetSecretValue: (store, input) => {
    const secret = store.get(required(input, 'SecretId'));
    const version = store.version(
      secret,
      stringField(input, 'VersionId'),
      stringField(input, 'VersionStage'),
    );
    store.touch(secret);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...valueFields(version),
      VersionStages: [...version.stages],
      CreatedDate: seconds(version.createdDate),
    };
  },

  DescribeSecret: (store, input) => {
    const secret = store.get(required(input, 'SecretId'));
    return { ...description(secret), VersionIdsToStages: stagesOf(secret) };
  },

  ListSecrets: (store, input) => {
    const maxResults = numberField(input, 'MaxResults') ?? 100;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)
      throw new SecretsManagerError('ValidationException', 'MaxResults must be between 1 and 100.');
    const filters = arrayField(input, 'Filters').filter(isJsonObject);
    const descending = stringField(input, 'SortOrder') === 'desc';
    const matching = store
      .list()
      .filter((secret) => filters.every((filter) => matchesFilter(secret, filter)))
      .sort((a, b) => (a.createdDate.getTime() - b.createdDate.getTime()) * (descending ? -1 : 1));
    const start = Number(stringField(input, 'NextToken') ?? '0');
    if (!Number.isInteger(start) || start < 0)
      throw new SecretsManagerError('InvalidNextTokenException', 'The NextToken value is invalid.');
    const page = matching.slice(start, start + maxResults);
    const next = start + page.length;
    return {
      SecretList: page.map((secret) => ({
        ...description(secret),
        SecretVersionsToStages: stagesOf(secret),
      })),
      ...(next < matching.length ? { NextToken: String(next) } : {}),
    };
  },
};
