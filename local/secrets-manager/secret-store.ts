import { randomInt, randomUUID } from 'node:crypto';
import { localArn } from '../local-account.ts';
import { secretReferenceOf } from './secret-id.ts';
import { invalidParameter, SecretsManagerError, secretNotFound } from './secrets-manager-error.ts';

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';

/** A secret value: text or bytes, never both. */
export type SecretValue = { readonly string: string } | { readonly binary: Uint8Array };

export interface SecretVersion {
  readonly versionId: string;
  readonly value: SecretValue;
  readonly createdDate: Date;
  /** Staging labels; a version without any is deprecated (kept, no longer served by default). */
  readonly stages: Set<string>;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface Secret {
  readonly arn: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly kmsKeyId: string | undefined;
  readonly tags: readonly Tag[];
  readonly createdDate: Date;
  lastChangedDate: Date;
  lastAccessedDate: Date | undefined;
  /** In creation order. */
  readonly versions: Map<string, SecretVersion>;
}

export interface NewSecret {
  readonly name: string;
  readonly value?: SecretValue;
  readonly versionId?: string;
  readonly description?: string;
  readonly kmsKeyId?: string;
  readonly tags?: readonly Tag[];
  /** The six characters after the name; random unless a template fixes the ARN (e.g. a resolved Ref). */
  readonly suffix?: string;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomSuffix = (): string =>
  Array.from({ length: 6 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

const sameValue = (a: SecretValue, b: SecretValue): boolean =>
  'string' in a
    ? 'string' in b && a.string === b.string
    : 'binary' in b && Buffer.from(a.binary).equals(Buffer.from(b.binary));

/** A day, as Secrets Manager records LastAccessedDate (rounded down to the date). */
const dayOf = (date: Date): Date =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));

/** Secrets with Secrets Manager's naming, ARNs, versions and staging labels, in memory. */
export class SecretStore {
  private readonly secrets = new Map<string, Secret>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** The secret a SecretId names (name, full ARN, or partial ARN), as Secrets Manager resolves it. */
  find(secretId: string): Secret | undefined {
    const reference = secretReferenceOf(secretId);
    switch (reference.kind) {
      case 'full-arn':
        return this.secrets.get(reference.arn);
      case 'partial-arn':
      case 'name':
        return [...this.secrets.values()].find((secret) => secret.name === reference.name);
    }
  }

  get(secretId: string): Secret {
    const secret = this.find(secretId);
    if (!secret) throw secretNotFound();
    return secret;
  }

  list(): Secret[] {
    return [...this.secrets.values()];
  }

  create(input: NewSecret): Secret {
    if (!NAME.test(input.name)) {
      throw new SecretsManagerError(
        'ValidationException',
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      );
    }
    if (this.list().some((secret) => secret.name === input.name)) {
      throw new SecretsManagerError(
        'ResourceExistsException',
        `The operation failed because the secret ${input.name} already exists.`,
      );
    }
    const suffix = input.suffix ?? randomSuffix();
    if (!/^[A-Za-z0-9]{6}$/.test(suffix))
      throw invalidParameter(`A secret's ARN suffix is six letters or digits, not ${suffix}`);
    const now = this.now();
    const secret: Secret = {
      arn: localArn('secretsmanager', `secret:${input.name}-${suffix}`),
      name: input.name,
      description: input.description,
      kmsKeyId: input.kmsKeyId,
      tags: input.tags ?? [],
      createdDate: now,
      lastChangedDate: now,
      lastAccessedDate: undefined,
      versions: new Map(),
    };
    this.secrets.set(secret.arn, secret);
    if (input.value) this.putValue(secret.arn, input.value, input.versionId ?? randomUUID(), [CURRENT]);
    return secret;
  }

  /**
   * Adds a version (PutSecretValue). The labels move to it; when AWSCURRENT moves, the version that had it
   * becomes AWSPREVIOUS. The same version id with the same value again changes nothing; with another value it
   * is refused, since a version is immutable.
   */
  putValue(
    secretId: string,
    value: SecretValue,
    versionId: string,
    stages: readonly string[] = [CURRENT],
  ): SecretVersion {
    const secret = this.get(secretId);
    const existing = secret.versions.get(versionId);
    if (existing) {
      if (sameValue(existing.value, value)) return existing;
      throw new SecretsManagerError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    const now = this.now();
    const version: SecretVersion = { versionId, value, createdDate: now, stages: new Set() };
    const previousCurrent = [...secret.versions.values()].find((candidate) => candidate.stages.has(CURRENT));
    secret.versions.set(versionId, version);
    for (const stage of stages) this.moveStage(secret, stage, version);
    if (stages.includes(CURRENT) && previousCurrent && previousCurrent !== version)
      this.moveStage(secret, PREVIOUS, previousCurrent);
    secret.lastChangedDate = now;
    return version;
  }

  /** The version a GetSecretValue asks for: by id, by staging label (AWSCURRENT by default), or both. */
  version(secret: Secret, versionId: string | undefined, stage: string | undefined): SecretVersion {
    if (versionId !== undefined) {
      const version = secret.versions.get(versionId);
      if (!version || (stage !== undefined && !version.stages.has(stage))) {
        throw new SecretsManagerError(
          'ResourceNotFoundException',
          `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
        );
      }
      return version;
    }
    const label = stage ?? CURRENT;
    const version = [...secret.versions.values()].find((candidate) => candidate.stages.has(label));
    if (!version) {
      throw new SecretsManagerError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for staging label: ${label}`,
      );
    }
    return version;
  }

  /** Records a read (DescribeSecret shows the day of the last one). */
  touch(secret: Secret): void {
    secret.lastAccessedDate = dayOf(this.now());
  }

  private moveStage(secret: Secret, stage: string, to: SecretVersion): void {
    for (const version of secret.versions.values()) version.stages.delete(stage);
    to.stages.add(stage);
  }
}
