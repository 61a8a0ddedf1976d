import { describe, expect, it } from 'vitest';
import { isJsonObject } from '#shared/json.ts';
import { ALL_INDEXES } from '#shared/table-design.ts';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../../lib/functions.ts';
import { funnelStreamNameOf, logicalIds } from '../../lib/names.ts';
import { EVENT_ROUTES, SCHEDULES } from '../../lib/routing.ts';
import { listOf, prop, resolve, resourceOf, resourcesOf, statementsOf, templates } from './template.ts';

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const CONSUME = [
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueUrl',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
];

const grants = (actions: readonly string[], resource: string): string[] =>
  actions.map((action) => `${action} on ${resource}`);

/** What each function may do, derived independently from routing: `action on resource`. */
const expectedGrants = (name: FunctionName, spec: FunctionSpec): string[] => {
  const expected = [
    ...grants(['logs:CreateLogStream', 'logs:PutLogEvents'], `${logicalIds.functionLogGroup(name)}.Arn`),
  ];
  if (spec.table === 'funnelRollups') {
    // The creators' funnel rollup items alone: the partition key decides, whatever the request names.
    const only = ` when ${JSON.stringify({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['FUNNEL_ROLLUP#*'] } })}`;
    expected.push(...grants(['dynamodb:GetItem', 'dynamodb:PutItem'], `Table.Arn${only}`));
  } else if (spec.table !== 'none') {
    expected.push(
      ...grants(spec.table === 'readWrite' ? [...READ, ...WRITE] : READ, 'Table.Arn'),
      ...ALL_INDEXES.flatMap((index) => grants(['dynamodb:Query'], `Table.Arn/index/${index.name}`)),
    );
  }
  if (spec.publishes) expected.push(...grants(['events:PutEvents'], 'EventBus.Arn'));
  if (spec.recordsFunnel) {
    expected.push(
      ...grants(
        ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        `arn:\${AWS::Partition}:firehose:\${AWS::Region}:\${AWS::AccountId}:deliverystream/${funnelStreamNameOf('dev')}`,
      ),
    );
  }
  if (spec.queriesFunnel) {
    const arn = (service: string, resource: string) =>
      `arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`;
    const bucket = `arn:\${AWS::Partition}:s3:::reelhire-dev-funnel-\${AWS::AccountId}-\${AWS::Region}`;
    expected.push(
      ...grants(
        ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
        arn('athena', 'workgroup/reelhire-dev-funnel'),
      ),
      ...['catalog', 'database/reelhire_dev_funnel', 'table/reelhire_dev_funnel/funnel_log'].flatMap(
        (resource) =>
          grants(['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'], arn('glue', resource)),
      ),
      ...grants(['s3:GetBucketLocation', 's3:ListBucket'], bucket),
      ...grants(['s3:GetObject'], `${bucket}/funnel/*`),
      ...grants(['s3:GetObject', 's3:PutObject'], `${bucket}/athena-results/*`),
      ...grants(['cloudwatch:GetMetricData'], '*'),
    );
  }
  for (const secret of spec.secrets) {
    const secretName = `reelhire/dev/${secret.toLowerCase().replaceAll('_', '-')}`;
    expected.push(
      ...grants(
        ['secretsmanager:GetSecretValue'],
        `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretName}-??????`,
      ),
    );
  }
  for (const route of EVENT_ROUTES.filter((candidate) => candidate.function === name)) {
    expected.push(...grants(CONSUME, `${logicalIds.queue(route.id)}.Arn`));
    expected.push(...grants(['sqs:SendMessage'], `${logicalIds.deadLetterQueue(route.id)}.Arn`));
  }
  for (const schedule of SCHEDULES.filter((candidate) => candidate.function === name)) {
    expected.push(...grants(['sqs:SendMessage'], `${logicalIds.deadLetterQueue(schedule.id)}.Arn`));
  }
  for (const use of spec.queues ?? []) {
    expected.push(
      ...(use.access === 'send'
        ? grants(['sqs:SendMessage'], `${logicalIds.queue(use.route)}.Arn`)
        : grants(
            ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
            `${logicalIds.deadLetterQueue(use.route)}.Arn`,
          )),
    );
  }
  return expected.sort();
};

/** Every `action on resource [when condition]` that the policies attached to a role allow. */
const actualGrants = (roleId: string): string[] => {
  const { stateless } = templates();
  const policies = resourcesOf(stateless, 'AWS::IAM::Policy').filter(([, policy]) =>
    listOf(prop(policy, 'Roles')).some((role) => resolve(role) === roleId),
  );
  return policies
    .flatMap(([, policy]) => listOf(prop(policy, 'PolicyDocument', 'Statement')))
    .filter(isJsonObject)
    .flatMap((statement) => {
      expect(statement.Effect).toBe('Allow');
      const condition =
        statement.Condition === undefined ? '' : ` when ${JSON.stringify(statement.Condition)}`;
      return listOf(statement.Action).flatMap((action) =>
        listOf(statement.Resource).map((resource) => `${String(action)} on ${resolve(resource)}${condition}`),
      );
    })
    .sort();
};

describe('least privilege', () => {
  it.each(Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][])(
    '%s may do exactly what it needs, on exactly its resources',
    (name, spec) => {
      const { stateless } = templates();
      const roleId = logicalIds.functionRole(name);
      const role = resourceOf(stateless, roleId, 'AWS::IAM::Role');
      expect(
        resolve(prop(resourceOf(stateless, logicalIds.function(name), 'AWS::Lambda::Function'), 'Role')),
      ).toBe(`${roleId}.Arn`);
      expect(prop(role, 'ManagedPolicyArns')).toBeUndefined();
      expect(prop(role, 'Policies')).toBeUndefined();
      expect(prop(role, 'AssumeRolePolicyDocument', 'Statement')).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
      ]);
      expect(actualGrants(roleId)).toEqual(expectedGrants(name, spec));
    },
  );

  it('no policy anywhere allows a wildcard action, and the only denials are the TLS-only guards', () => {
    const all = [...statementsOf(templates().stateful), ...statementsOf(templates().stateless)];
    expect(all.length).toBeGreaterThan(20);
    const wildcardAllows = all.filter(
      ({ statement }) =>
        statement.Effect === 'Allow' &&
        listOf(statement.Action ?? statement.NotAction).some((action) => String(action).includes('*')),
    );
    expect(wildcardAllows).toEqual([]);
    for (const { statement, logicalId } of all.filter(({ statement }) => statement.Effect !== 'Allow')) {
      expect(statement.Effect, logicalId).toBe('Deny');
      expect(statement.Condition, logicalId).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    }
    const notActions = all.filter(({ statement }) => statement.NotAction !== undefined);
    expect(notActions).toEqual([]);
  });

  it('no identity policy allows a `*` resource, but for an action that names none', () => {
    // CloudWatch's GetMetricData has no resource-level permission: `*` is its only resource (the funnel's reads
    // take the log's DataFreshness with it).
    const withoutResources = ['cloudwatch:GetMetricData'];
    const identityStatements = statementsOf(templates().stateless).filter(
      ({ type }) => type === 'AWS::IAM::Policy',
    );
    const everywhere = identityStatements.filter(({ statement }) =>
      listOf(statement.Resource).some((resource) => resource === '*'),
    );
    expect(everywhere.length).toBeGreaterThan(0);
    for (const { statement } of everywhere) {
      expect(listOf(statement.Action).filter((action) => !withoutResources.includes(String(action)))).toEqual(
        [],
      );
    }
  });

  it('the alarm topic key lets CloudWatch encrypt and nothing else use it', () => {
    const keys = resourcesOf(templates().stateless, 'AWS::KMS::Key');
    expect(keys).toHaveLength(1);
    const [, key] = keys[0]!;
    expect(prop(key, 'EnableKeyRotation')).toBe(true);
    const statements = listOf(prop(key, 'KeyPolicy', 'Statement')).filter(isJsonObject);
    const users = statements.filter((statement) =>
      listOf(statement.Action).some((action) =>
        ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'].includes(String(action)),
      ),
    );
    expect(users.map((statement) => statement.Principal)).toEqual([{ Service: 'cloudwatch.amazonaws.com' }]);
  });
});
