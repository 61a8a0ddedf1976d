import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import { type JsonObject, objectField, stringField } from '../json.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, localArn } from '../local-account.ts';
import { documentOf, type PolicyDocument, parsePolicy, statementsOf } from './policy-document.ts';
import { stringsOf } from './resolved-resources.ts';

/**
 * The resource policies of the templates, by the ARN of the resource they protect: queue policies, topic
 * policies, event bus policies, secret resource policies, KMS key policies, DynamoDB table resource policies
 * and Lambda function policies (built from AWS::Lambda::Permission the way Lambda builds them).
 */

/** A key given as ARN, alias name or key id, as the key's ARN. */
export const kmsKeyArnOf = (keyId: string): string => {
  if (keyId.startsWith('arn:')) return keyId;
  return localArn('kms', keyId.startsWith('alias/') ? keyId : `key/${keyId}`);
};

/** The ARN of a Lambda function given by name, partial ARN (`123456789012:function:name`) or ARN. */
export const functionArnOf = (functionName: string): string => {
  if (functionName.startsWith('arn:')) return functionName;
  const partial = /^(\d{12}):function:(.+)$/.exec(functionName);
  if (partial) return `arn:aws:lambda:${LOCAL_REGION}:${partial[1]}:function:${partial[2]}`;
  return localArn('lambda', `function:${functionName}`);
};

/** What CloudFormation writes when a key has no KeyPolicy: the account may use IAM policies for the key. */
const defaultKeyPolicy = (): PolicyDocument =>
  documentOf([
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${LOCAL_ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ]);

/** A Lambda::Permission's Principal as it appears in the function policy. */
const permissionPrincipal = (principal: string): JsonObject | string => {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
};

/** The statement Lambda adds to a function policy for an AddPermission (GetPolicy shows this shape). */
export const lambdaPermissionStatement = (sid: string, properties: JsonObject): JsonObject | undefined => {
  const functionName = stringField(properties, 'FunctionName');
  const principal = stringField(properties, 'Principal');
  const action = stringField(properties, 'Action');
  if (!functionName || !principal || !action) return undefined;
  const stringEquals: JsonObject = {};
  const sourceAccount = stringField(properties, 'SourceAccount');
  if (sourceAccount) stringEquals['AWS:SourceAccount'] = sourceAccount;
  const orgId = stringField(properties, 'PrincipalOrgID');
  if (orgId) stringEquals['aws:PrincipalOrgID'] = orgId;
  const urlAuthType = stringField(properties, 'FunctionUrlAuthType');
  if (urlAuthType) stringEquals['lambda:FunctionUrlAuthType'] = urlAuthType;
  const eventSourceToken = stringField(properties, 'EventSourceToken');
  if (eventSourceToken) stringEquals['lambda:EventSourceToken'] = eventSourceToken;
  const sourceArn = stringField(properties, 'SourceArn');
  const condition: JsonObject = {
    ...(Object.keys(stringEquals).length > 0 ? { StringEquals: stringEquals } : {}),
    ...(sourceArn ? { ArnLike: { 'AWS:SourceArn': sourceArn } } : {}),
  };
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: permissionPrincipal(principal),
    Action: action,
    Resource: functionArnOf(functionName),
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
};

/** An EventBusPolicy's one statement: `Statement`, or the older Action/Principal/Condition properties. */
const busPolicyStatement = (busArn: string, properties: JsonObject): JsonObject | undefined => {
  const sid = stringField(properties, 'StatementId');
  const statement = objectField(properties, 'Statement');
  if (statement) return { ...(sid ? { Sid: sid } : {}), ...statement };
  const action = stringField(properties, 'Action');
  const principal = stringField(properties, 'Principal');
  if (!action || !principal) return undefined;
  const condition = objectField(properties, 'Condition');
  return {
    ...(sid ? { Sid: sid } : {}),
    Effect: 'Allow',
    Principal: principal === '*' ? '*' : { AWS: `arn:aws:iam::${principal}:root` },
    Action: action,
    Resource: busArn,
    // The legacy form takes one condition: {Type, Key, Value}.
    ...(condition
      ? {
          Condition: {
            [stringField(condition, 'Type') ?? 'StringEquals']: {
              [stringField(condition, 'Key') ?? '']: condition.Value,
            },
          },
        }
      : {}),
  };
};

/** Collects the statements per resource ARN, then builds one document per resource. */
class PolicyCollector {
  private readonly statements = new Map<string, JsonObject[]>();
  private readonly wholeDocuments = new Map<string, string>();

  constructor(private readonly warn: (message: string) => void) {}

  addStatements(arn: string, statements: readonly JsonObject[]): void {
    this.statements.set(arn, [...(this.statements.get(arn) ?? []), ...statements]);
  }

  /** A policy that replaces the resource's policy (a queue or topic has one policy attribute). */
  addDocument(arn: string, document: PolicyDocument, from: string): void {
    const previous = this.wholeDocuments.get(arn);
    if (previous) {
      this.warn(
        `${from} and ${previous} both set the policy of ${arn}; AWS keeps only the last one applied, local mode merges them`,
      );
    }
    this.wholeDocuments.set(arn, from);
    this.addStatements(arn, statementsOf(document));
  }

  build(): Map<string, PolicyDocument> {
    return new Map([...this.statements].map(([arn, statements]) => [arn, documentOf(statements)]));
  }
}

export const resourcePoliciesOf = (
  resources: readonly ResolvedResource[],
  warn: (message: string) => void,
): Map<string, PolicyDocument> => {
  const policies = new PolicyCollector(warn);
  const readable = (resource: ResolvedResource, value: unknown): PolicyDocument | undefined => {
    const document = parsePolicy(value);
    if (!document) warn(`${resource.logicalId}: ${resource.type} has no readable policy document`);
    return document;
  };

  const queueArnByUrl = new Map(
    ofType(resources, 'AWS::SQS::Queue').map((queue) => [
      queue.identity.ref,
      queue.identity.attribute('Arn') ?? queue.identity.ref,
    ]),
  );
  const queueArnOf = (urlOrArn: string) => queueArnByUrl.get(urlOrArn) ?? urlOrArn;

  for (const resource of resources) {
    const { properties, logicalId } = resource;
    switch (resource.type) {
      case 'AWS::SQS::QueuePolicy': {
        const document = readable(resource, properties.PolicyDocument);
        if (document)
          for (const queue of stringsOf(properties.Queues))
            policies.addDocument(queueArnOf(queue), document, logicalId);
        break;
      }
      case 'AWS::SQS::QueueInlinePolicy': {
        const document = readable(resource, properties.PolicyDocument);
        const queue = stringField(properties, 'Queue');
        if (document && queue) policies.addDocument(queueArnOf(queue), document, logicalId);
        break;
      }
      case 'AWS::SNS::TopicPolicy': {
        const document = readable(resource, properties.PolicyDocument);
        if (document)
          for (const topic of stringsOf(properties.Topics)) policies.addDocument(topic, document, logicalId);
        break;
      }
      case 'AWS::SNS::TopicInlinePolicy': {
        const document = readable(resource, properties.PolicyDocument);
        const topic = stringField(properties, 'TopicArn');
        if (document && topic) policies.addDocument(topic, document, logicalId);
        break;
      }
      case 'AWS::Events::EventBus': {
        if (properties.Policy === undefined) break;
        const document = readable(resource, properties.Policy);
        const arn = resource.identity.attribute('Arn');
        if (document && arn) policies.addDocument(arn, document, logicalId);
        break;
      }
      case 'AWS::Events::EventBusPolicy': {
        const busName = stringField(properties, 'EventBusName') ?? 'default';
        const busArn = busName.startsWith('arn:') ? busName : localArn('events', `event-bus/${busName}`);
        const statement = busPolicyStatement(busArn, properties);
        if (statement) policies.addStatements(busArn, [statement]);
        else warn(`${logicalId}: AWS::Events::EventBusPolicy without a statement`);
        break;
      }
      case 'AWS::SecretsManager::ResourcePolicy': {
        const document = readable(resource, properties.ResourcePolicy);
        const secretId = stringField(properties, 'SecretId');
        // A secret named rather than referenced is keyed by its partial ARN; lookups fall back to it.
        if (document && secretId) {
          const arn = secretId.startsWith('arn:')
            ? secretId
            : localArn('secretsmanager', `secret:${secretId}`);
          policies.addDocument(arn, document, logicalId);
        }
        break;
      }
      case 'AWS::KMS::Key': {
        const arn = resource.identity.attribute('Arn');
        const document =
          properties.KeyPolicy === undefined ? defaultKeyPolicy() : readable(resource, properties.KeyPolicy);
        if (arn && document) policies.addDocument(arn, document, logicalId);
        break;
      }
      case 'AWS::DynamoDB::Table': {
        const resourcePolicy = objectField(properties, 'ResourcePolicy');
        const arn = resource.identity.attribute('Arn');
        if (resourcePolicy && arn) {
          const document = readable(resource, resourcePolicy.PolicyDocument);
          if (document) policies.addDocument(arn, document, logicalId);
        }
        break;
      }
      case 'AWS::Lambda::Permission': {
        const statement = lambdaPermissionStatement(logicalId, properties);
        if (statement) policies.addStatements(String(statement.Resource), [statement]);
        else warn(`${logicalId}: AWS::Lambda::Permission without FunctionName, Principal or Action`);
        break;
      }
      case 'AWS::IAM::Role': {
        const trust = parsePolicy(properties.AssumeRolePolicyDocument);
        const arn = resource.identity.attribute('Arn');
        if (trust && arn) policies.addDocument(arn, trust, logicalId);
        break;
      }
    }
  }
  return policies.build();
};

/** The KMS key each encrypted topic, queue or secret uses, by the resource's ARN. */
export const encryptionKeysOf = (resources: readonly ResolvedResource[]): Map<string, string> => {
  const keys = new Map<string, string>();
  for (const resource of resources) {
    const property =
      resource.type === 'AWS::SNS::Topic' || resource.type === 'AWS::SQS::Queue'
        ? 'KmsMasterKeyId'
        : resource.type === 'AWS::SecretsManager::Secret'
          ? 'KmsKeyId'
          : undefined;
    const keyId = property ? stringField(resource.properties, property) : undefined;
    if (!keyId) continue;
    const arn =
      resource.type === 'AWS::SNS::Topic'
        ? resource.identity.ref
        : (resource.identity.attribute('Arn') ?? resource.identity.ref);
    keys.set(arn, kmsKeyArnOf(keyId));
  }
  return keys;
};
