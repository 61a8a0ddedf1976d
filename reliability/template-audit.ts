import { isJsonObject } from '#shared/json.ts';
import type { CfnResource, CfnTemplate } from '../lib/assembly.ts';

/**
 * An audit of the synthesized templates: every Allow statement anywhere (identity, resource and key
 * policies, whatever resource carries them) for wildcard actions, and every resource that keeps data at rest
 * for how it is encrypted. test/cdk checks the intended policies one by one; this counts what would slip past.
 */

export interface WildcardAction {
  readonly logicalId: string;
  readonly action: string;
}

export type Encryption =
  | { readonly kind: 'explicit'; readonly how: string }
  | { readonly kind: 'service default'; readonly how: string }
  | { readonly kind: 'none' };

export interface EncryptionFinding {
  readonly logicalId: string;
  readonly type: string;
  readonly encryption: Encryption;
}

export interface TemplateAudit {
  readonly allowStatements: number;
  readonly wildcardActions: readonly WildcardAction[];
  readonly dataResources: readonly EncryptionFinding[];
  readonly unencrypted: readonly EncryptionFinding[];
}

const listOf = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every policy statement under a value: anything that looks like `{Effect, Action | NotAction}`. */
const statementsUnder = (value: unknown): Record<string, unknown>[] => {
  if (Array.isArray(value)) return value.flatMap(statementsUnder);
  if (!isJsonObject(value)) return [];
  if (typeof value.Effect === 'string' && (value.Action !== undefined || value.NotAction !== undefined))
    return [value];
  return Object.values(value).flatMap(statementsUnder);
};

const property = (resource: CfnResource, name: string): unknown => resource.Properties?.[name];

const NONE: Encryption = { kind: 'none' };
const serviceDefault = (how: string): Encryption => ({ kind: 'service default', how });

/** Explicitly encrypted (`how`) when the resource sets property `name`, else `otherwise`. */
const explicitWith = (resource: CfnResource, name: string, how: string, otherwise: Encryption): Encryption =>
  property(resource, name) !== undefined ? { kind: 'explicit', how } : otherwise;

/** How a resource that keeps data at rest is encrypted; undefined for resources that keep none. */
export const encryptionOf = (resource: CfnResource): Encryption | undefined => {
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table': {
      const sse = property(resource, 'SSESpecification');
      return isJsonObject(sse) && sse.SSEEnabled === true
        ? { kind: 'explicit', how: `KMS${sse.KMSMasterKeyId ? ' (customer key)' : ' (AWS managed key)'}` }
        : serviceDefault('AWS owned key');
    }
    case 'AWS::SQS::Queue':
      return explicitWith(
        resource,
        'KmsMasterKeyId',
        'SSE-KMS',
        property(resource, 'SqsManagedSseEnabled') === true ? { kind: 'explicit', how: 'SSE-SQS' } : NONE,
      );
    case 'AWS::SNS::Topic':
      return explicitWith(resource, 'KmsMasterKeyId', 'SSE-KMS', NONE);
    case 'AWS::S3::Bucket':
      return explicitWith(resource, 'BucketEncryption', 'BucketEncryption', serviceDefault('SSE-S3'));
    case 'AWS::Logs::LogGroup':
      return explicitWith(resource, 'KmsKeyId', 'KMS', serviceDefault('CloudWatch Logs service key'));
    case 'AWS::Events::EventBus':
    case 'AWS::Events::Archive':
      return explicitWith(resource, 'KmsKeyIdentifier', 'KMS', serviceDefault('AWS owned key'));
    case 'AWS::Lambda::Function':
      return explicitWith(
        resource,
        'KmsKeyArn',
        'KMS (environment)',
        serviceDefault('AWS managed key (environment)'),
      );
    case 'AWS::SecretsManager::Secret':
      return { kind: 'explicit', how: 'KMS' };
    case 'AWS::Kinesis::Stream':
      return explicitWith(resource, 'StreamEncryption', 'KMS', NONE);
    default:
      return undefined;
  }
};

export const auditTemplates = (templates: readonly CfnTemplate[]): TemplateAudit => {
  let allowStatements = 0;
  const wildcardActions: WildcardAction[] = [];
  const dataResources: EncryptionFinding[] = [];
  for (const template of templates) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      for (const statement of statementsUnder(resource.Properties)) {
        if (statement.Effect !== 'Allow') continue;
        allowStatements++;
        for (const action of listOf(statement.Action ?? statement.NotAction)) {
          // NotAction in an Allow grants everything else: as wide as a wildcard.
          if (statement.NotAction !== undefined || String(action).includes('*'))
            wildcardActions.push({ logicalId, action: String(action) });
        }
      }
      const encryption = encryptionOf(resource);
      if (encryption) dataResources.push({ logicalId, type: resource.Type, encryption });
    }
  }
  return {
    allowStatements,
    wildcardActions,
    dataResources,
    unencrypted: dataResources.filter((finding) => finding.encryption.kind === 'none'),
  };
};
