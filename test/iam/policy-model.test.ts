import { describe, expect, it } from 'vitest';
import type { CfnTemplate, StackArtifact } from '../../lib/assembly.ts';
import { resolveCloudAssembly } from '../../local/cloudformation/intrinsics.ts';
import { Authorizer } from '../../local/iam/authorizer.ts';
import { type PolicyModel, policyModelOf } from '../../local/iam/policy-model.ts';
import type { Principal } from '../../local/iam/principal.ts';
import { alarmToTopic, authorizeDelivery } from '../../local/iam/service-deliveries.ts';

// The policy model read from templates: every way a template attaches a policy to a role, every resource
// policy, intrinsics resolved across stacks to local ARNs; decided by the authorizer.

const ACCOUNT = '000000000000';
const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${service === 'iam' ? '' : 'us-east-1'}:${ACCOUNT}:${resource}`;
const allow = (Action: unknown, Resource: unknown) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource }],
});

const shared: CfnTemplate = {
  Resources: { Work: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'work' } } },
  Outputs: { WorkArn: { Value: { 'Fn::GetAtt': ['Work', 'Arn'] }, Export: { Name: 'Shared:WorkArn' } } },
};

const app: CfnTemplate = {
  Resources: {
    AppRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'app-role',
        AssumeRolePolicyDocument: {
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        Policies: [
          {
            PolicyName: 'inline',
            PolicyDocument: allow('sqs:SendMessage', { 'Fn::ImportValue': 'Shared:WorkArn' }),
          },
        ],
        ManagedPolicyArns: [
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
              ],
            ],
          },
          'arn:aws:iam::aws:policy/ReadOnlyAccess',
          { Ref: 'CustomManaged' },
        ],
      },
    },
    CustomManaged: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: { ManagedPolicyName: 'custom', PolicyDocument: allow('dynamodb:GetItem', '*') },
    },
    Attached: {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        ManagedPolicyName: 'attached',
        Roles: [{ Ref: 'AppRole' }],
        PolicyDocument: allow('events:PutEvents', { 'Fn::GetAtt': ['Bus', 'Arn'] }),
      },
    },
    AppRoleDefaultPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'default',
        Roles: [{ Ref: 'AppRole' }],
        PolicyDocument: allow('s3:GetObject', '*'),
      },
    },
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: 'app-fn', Role: { 'Fn::GetAtt': ['AppRole', 'Arn'] } },
    },
    Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'bus' } },
    PlatformPut: {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: {
        EventBusName: { Ref: 'Bus' },
        StatementId: 'platform',
        Action: 'events:PutEvents',
        Principal: '111122223333',
      },
    },
    PlatformRules: {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: {
        EventBusName: { Ref: 'Bus' },
        StatementId: 'rules',
        Statement: {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::444455556666:root' },
          Action: 'events:PutRule',
          Resource: { 'Fn::Join': ['', [arn('events', 'rule/'), { Ref: 'Bus' }, '/*']] },
        },
      },
    },
    ApiKeyPolicy: {
      Type: 'AWS::SecretsManager::ResourcePolicy',
      Properties: {
        SecretId: 'app/api-key',
        ResourcePolicy: {
          Statement: [
            { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
          ],
        },
      },
    },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    Topic: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: 'alarms', KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } },
    },
    AccountInvoke: {
      Type: 'AWS::Lambda::Permission',
      Properties: { FunctionName: { Ref: 'Fn' }, Action: 'lambda:InvokeFunction', Principal: '111122223333' },
    },
    TopicInvoke: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        SourceArn: { Ref: 'Topic' },
        SourceAccount: { Ref: 'AWS::AccountId' },
      },
    },
  },
};

const stacksOf = (templates: Record<string, CfnTemplate>): StackArtifact[] =>
  Object.entries(templates).map(([stackName, template]) => ({
    artifactId: stackName,
    stackName,
    template,
    assemblyDir: '/assembly',
  }));

const modelOfTemplates = (templates: Record<string, CfnTemplate>): PolicyModel =>
  policyModelOf(resolveCloudAssembly(stacksOf(templates), 'http://127.0.0.1:3000').resources);

describe('policy model of templates', () => {
  const model = modelOfTemplates({ Shared: shared, App: app });
  const authorizer = new Authorizer(model);
  const role: Principal = {
    kind: 'role-session',
    roleArn: arn('iam', 'role/app-role'),
    sessionName: 'app-fn',
  };
  const decide = async (principal: Principal, action: string, resource: string) => {
    const result = await authorizer.authorize({ principal, action, resource });
    return result.allowed ? 'allowed' : `${result.refusal.kind} (${result.refusal.policyType})`;
  };

  it('gives a role its inline, attached, AWS managed and customer managed policies, and its function', async () => {
    expect(model.functionRoles.get('app-fn')).toBe(arn('iam', 'role/app-role'));
    expect(model.identities.get(arn('iam', 'role/app-role'))?.map((policy) => policy.name)).toEqual([
      'inline',
      'default',
      arn('iam', 'policy/attached'),
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      arn('iam', 'policy/custom'),
    ]);
    expect(await decide(role, 'sqs:SendMessage', arn('sqs', 'work'))).toBe('allowed');
    expect(await decide(role, 'logs:CreateLogGroup', arn('logs', 'log-group:/aws/lambda/app-fn'))).toBe(
      'allowed',
    );
    expect(await decide(role, 'dynamodb:GetItem', arn('dynamodb', 'table/any'))).toBe('allowed');
    expect(await decide(role, 'events:PutEvents', arn('events', 'event-bus/bus'))).toBe('allowed');
    expect(await decide(role, 'sqs:DeleteMessage', arn('sqs', 'work'))).toBe('implicit-deny (identity)');
  });

  it('reports a managed policy it has no document for, and evaluates without it', async () => {
    expect(model.warnings).toEqual([
      'App/AppRole: managed policy arn:aws:iam::aws:policy/ReadOnlyAccess is not known locally; the role is evaluated without it',
    ]);
    expect(await decide(role, 'sqs:ListQueues', '*')).toBe('implicit-deny (identity)');
  });

  it('builds a bus policy from EventBusPolicy statements, in both of their forms', async () => {
    const platform: Principal = { kind: 'iam', arn: 'arn:aws:iam::111122223333:user/platform' };
    const ruleMaker: Principal = { kind: 'iam', arn: 'arn:aws:iam::444455556666:user/rules' };
    const withIdentity = new Authorizer({
      ...model,
      identities: new Map([
        [platform.kind === 'iam' ? platform.arn : '', [{ name: 'p', document: allow('events:*', '*') }]],
        [ruleMaker.kind === 'iam' ? ruleMaker.arn : '', [{ name: 'p', document: allow('events:*', '*') }]],
      ]),
    });
    const decideWith = async (principal: Principal, action: string, resource: string) =>
      (await withIdentity.authorize({ principal, action, resource })).allowed;
    expect(await decideWith(platform, 'events:PutEvents', arn('events', 'event-bus/bus'))).toBe(true);
    expect(await decideWith(platform, 'events:PutRule', arn('events', 'rule/bus/theirs'))).toBe(false);
    expect(await decideWith(ruleMaker, 'events:PutRule', arn('events', 'rule/bus/theirs'))).toBe(true);
    expect(await decideWith(ruleMaker, 'events:PutEvents', arn('events', 'event-bus/bus'))).toBe(false);
  });

  it('applies a secret policy given by name to the secret’s ARN with its random suffix', async () => {
    const administrator: Principal = { kind: 'administrator' };
    expect(
      await decide(
        administrator,
        'secretsmanager:GetSecretValue',
        arn('secretsmanager', 'secret:app/api-key-AbC123'),
      ),
    ).toBe('explicit-deny (resource)');
    expect(
      await decide(
        administrator,
        'secretsmanager:GetSecretValue',
        arn('secretsmanager', 'secret:app/other-AbC123'),
      ),
    ).toBe('allowed');
  });

  it('gives a key without KeyPolicy the default policy, which leaves its use to IAM policies', async () => {
    const keyArn = model.encryptionKeys.get(arn('sns', 'alarms'));
    expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//);
    expect(await decide({ kind: 'administrator' }, 'kms:Decrypt', keyArn!)).toBe('allowed');
    expect(await decide(role, 'kms:Decrypt', keyArn!)).toBe('implicit-deny (identity)');
  });

  it('builds the function policy from Lambda permissions: an account, a service with its source', async () => {
    const functionArn = arn('lambda', 'function:app-fn');
    const sns: Principal = { kind: 'service', service: 'sns.amazonaws.com' };
    const invokeFrom = async (sourceArn: string, sourceAccount?: string) =>
      (
        await authorizer.authorize({
          principal: sns,
          action: 'lambda:InvokeFunction',
          resource: functionArn,
          context: {
            'aws:SourceArn': sourceArn,
            ...(sourceAccount ? { 'aws:SourceAccount': sourceAccount } : {}),
          },
        })
      ).allowed;
    expect(await invokeFrom(arn('sns', 'alarms'))).toBe(true);
    expect(await invokeFrom(arn('sns', 'other'))).toBe(false);
    expect(await invokeFrom(arn('sns', 'alarms'), '999999999999')).toBe(false);
    const caller = 'arn:aws:iam::111122223333:user/caller';
    const crossAccount = new Authorizer({
      ...model,
      identities: new Map([[caller, [{ name: 'p', document: allow('lambda:InvokeFunction', '*') }]]]),
    });
    expect(
      (
        await crossAccount.authorize({
          principal: { kind: 'iam', arn: caller },
          action: 'lambda:InvokeFunction',
          resource: functionArn,
        })
      ).allowed,
    ).toBe(true);
  });
});

describe('alarm notifications to an encrypted topic', () => {
  const topicWith = (statements: unknown[], keyStatements: unknown[]): CfnTemplate => ({
    Resources: {
      Key: {
        Type: 'AWS::KMS::Key',
        Properties: { KeyPolicy: { Version: '2012-10-17', Statement: keyStatements } },
      },
      Topic: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: 'alarms', KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } },
      },
      TopicPolicy: {
        Type: 'AWS::SNS::TopicPolicy',
        Properties: {
          Topics: [{ Ref: 'Topic' }],
          PolicyDocument: { Version: '2012-10-17', Statement: statements },
        },
      },
    },
  });
  const enforceSsl = {
    Sid: 'AllowPublishThroughSSLOnly',
    Effect: 'Deny',
    Principal: '*',
    Action: 'sns:Publish',
    Resource: { Ref: 'Topic' },
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
  const cloudwatchPublish = {
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: 'sns:Publish',
    Resource: { Ref: 'Topic' },
    Condition: { ArnLike: { 'aws:SourceArn': arn('cloudwatch', 'alarm:*') } },
  };
  const cloudwatchKey = {
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
  };
  const notify = async (template: CfnTemplate) => {
    const model = modelOfTemplates({ Monitoring: template });
    return authorizeDelivery(
      new Authorizer(model),
      alarmToTopic(model, arn('cloudwatch', 'alarm:Errors'), arn('sns', 'alarms')),
    );
  };

  it('is refused by a topic policy that only enforces TLS: it replaces the default policy (FACTS.md)', async () => {
    const result = await notify(topicWith([enforceSsl], [cloudwatchKey]));
    expect(result.allowed).toBe(false);
    if (!result.allowed)
      expect(result.reason).toMatch(
        /sns:Publish on resource: .*alarms because no resource-based policy allows/,
      );
  });

  it('is refused when the key policy does not let CloudWatch use the key', async () => {
    const result = await notify(topicWith([enforceSsl, cloudwatchPublish], []));
    expect(result.allowed).toBe(false);
    if (!result.allowed) expect(result.reason).toContain('kms:GenerateDataKey');
  });

  it('is delivered when the topic policy and the key policy both let CloudWatch in', async () => {
    expect(await notify(topicWith([enforceSsl, cloudwatchPublish], [cloudwatchKey]))).toEqual({
      allowed: true,
    });
  });
});
