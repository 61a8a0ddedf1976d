import { describe, expect, it } from 'vitest';
import type { CallChecks } from '../../local/iam/requests/authorization-check.ts';
import { dynamodbChecks, type TableKeys } from '../../local/iam/requests/dynamodb-requests.ts';
import { eventBridgeChecks } from '../../local/iam/requests/eventbridge-requests.ts';
import { firehoseChecks } from '../../local/iam/requests/firehose-requests.ts';
import { secretsManagerChecks } from '../../local/iam/requests/secrets-manager-requests.ts';
import { sqsChecks } from '../../local/iam/requests/sqs-requests.ts';

// What each AWS call is authorized as: IAM action, resource ARN and condition keys, as the services'
// "Actions, resources, and condition keys" references list them.

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/Links';
const KEYS: TableKeys = new Map([
  ['Links', { partitionKey: 'pk', indexes: new Map([['byAccount', 'accountKey']]) }],
]);

const checksOf = (mapped: CallChecks) => {
  if ('unmapped' in mapped) throw new Error(`unmapped: ${mapped.unmapped}`);
  return mapped.checks;
};

describe('DynamoDB calls', () => {
  it('authorizes item operations on the table, with the partition key as dynamodb:LeadingKeys', () => {
    expect(
      checksOf(
        dynamodbChecks(
          'GetItem',
          { TableName: 'Links', Key: { pk: { S: 'VIDEO#1' }, sk: { S: 'A' } } },
          KEYS,
        ),
      ),
    ).toEqual([
      { action: 'dynamodb:GetItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['VIDEO#1'] } },
    ]);
    expect(
      checksOf(
        dynamodbChecks(
          'PutItem',
          { TableName: 'Links', Item: { pk: { S: 'P' } }, ReturnValues: 'ALL_OLD' },
          KEYS,
        ),
      ),
    ).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: TABLE,
        context: { 'dynamodb:ReturnValues': 'ALL_OLD', 'dynamodb:LeadingKeys': ['P'] },
      },
    ]);
  });

  it('authorizes a Query of an index on table/<name>/index/<index>, with the index partition key', () => {
    const query = {
      TableName: 'Links',
      IndexName: 'byAccount',
      KeyConditionExpression: '#a = :account AND begins_with(sk, :prefix)',
      ExpressionAttributeNames: { '#a': 'accountKey' },
      ExpressionAttributeValues: { ':account': { S: 'tiktok#acct' }, ':prefix': { S: 'V' } },
      Select: 'ALL_PROJECTED_ATTRIBUTES',
    };
    expect(checksOf(dynamodbChecks('Query', query, KEYS))).toEqual([
      {
        action: 'dynamodb:Query',
        resource: `${TABLE}/index/byAccount`,
        context: { 'dynamodb:Select': 'ALL_PROJECTED_ATTRIBUTES', 'dynamodb:LeadingKeys': ['tiktok#acct'] },
      },
    ]);
    expect(checksOf(dynamodbChecks('Scan', { TableName: 'Links' }, KEYS))).toEqual([
      { action: 'dynamodb:Scan', resource: TABLE },
    ]);
  });

  it('authorizes batches once per table, and transactions per member action', () => {
    const batch = {
      RequestItems: {
        Links: [{ PutRequest: { Item: { pk: { S: 'A' } } } }, { DeleteRequest: { Key: { pk: { S: 'B' } } } }],
        Other: [{ PutRequest: { Item: { id: { S: 'x' } } } }],
      },
    };
    expect(checksOf(dynamodbChecks('BatchWriteItem', batch, KEYS))).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['A', 'B'] } },
      { action: 'dynamodb:BatchWriteItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/Other' },
    ]);
    expect(
      checksOf(
        dynamodbChecks('BatchGetItem', { RequestItems: { Links: { Keys: [{ pk: { S: 'A' } }] } } }, KEYS),
      ),
    ).toEqual([
      { action: 'dynamodb:BatchGetItem', resource: TABLE, context: { 'dynamodb:LeadingKeys': ['A'] } },
    ]);
    const transaction = {
      TransactItems: [
        { ConditionCheck: { TableName: 'Links', Key: { pk: { S: 'A' } } } },
        { Put: { TableName: 'Links', Item: { pk: { S: 'B' } } } },
      ],
    };
    expect(
      checksOf(dynamodbChecks('TransactWriteItems', transaction, KEYS)).map((check) => check.action),
    ).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:PutItem']);
  });

  it('authorizes ListTables on *, and names PartiQL as not mapped', () => {
    expect(checksOf(dynamodbChecks('ListTables', {}))).toEqual([
      { action: 'dynamodb:ListTables', resource: '*' },
    ]);
    expect(dynamodbChecks('ExecuteStatement', { Statement: 'SELECT * FROM Links' })).toHaveProperty(
      'unmapped',
    );
  });
});

describe('SQS calls', () => {
  const QUEUE_URL = 'http://127.0.0.1:3000/000000000000/work';
  const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:work';

  it('authorizes on the ARN of the queue URL; batch operations as their single action', () => {
    expect(checksOf(sqsChecks('SendMessageBatch', { QueueUrl: QUEUE_URL, Entries: [] }))).toEqual([
      { action: 'sqs:SendMessage', resource: QUEUE_ARN },
    ]);
    expect(
      checksOf(
        sqsChecks('DeleteMessageBatch', {
          QueueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/work',
        }),
      ),
    ).toEqual([{ action: 'sqs:DeleteMessage', resource: QUEUE_ARN }]);
    expect(checksOf(sqsChecks('ReceiveMessage', { QueueUrl: QUEUE_URL }))).toEqual([
      { action: 'sqs:ReceiveMessage', resource: QUEUE_ARN },
    ]);
  });

  it('authorizes GetQueueUrl on the named queue and ListQueues on *', () => {
    expect(checksOf(sqsChecks('GetQueueUrl', { QueueName: 'work' }))).toEqual([
      { action: 'sqs:GetQueueUrl', resource: QUEUE_ARN },
    ]);
    expect(checksOf(sqsChecks('ListQueues', {}))).toEqual([{ action: 'sqs:ListQueues', resource: '*' }]);
  });
});

describe('EventBridge calls', () => {
  it('authorizes PutEvents per distinct bus, source and detail-type; no bus means default', () => {
    const input = {
      Entries: [
        { EventBusName: 'reelhire-dev', Source: 'reelhire.links', DetailType: 'Link Changed' },
        {
          EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/reelhire-dev',
          Source: 'reelhire.links',
          DetailType: 'Link Changed',
        },
        { Source: 'reelhire.api', DetailType: 'Application Submitted' },
      ],
    };
    expect(checksOf(eventBridgeChecks('PutEvents', input))).toEqual([
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:us-east-1:000000000000:event-bus/reelhire-dev',
        context: { 'events:source': ['reelhire.links'], 'events:detail-type': ['Link Changed'] },
      },
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:us-east-1:000000000000:event-bus/default',
        context: { 'events:source': ['reelhire.api'], 'events:detail-type': ['Application Submitted'] },
      },
    ]);
  });

  it('authorizes rule operations on the rule ARN of its bus', () => {
    expect(checksOf(eventBridgeChecks('PutRule', { Name: 'r', EventBusName: 'reelhire-dev' }))).toEqual([
      { action: 'events:PutRule', resource: 'arn:aws:events:us-east-1:000000000000:rule/reelhire-dev/r' },
    ]);
    expect(checksOf(eventBridgeChecks('PutTargets', { Rule: 'r' }))).toEqual([
      { action: 'events:PutTargets', resource: 'arn:aws:events:us-east-1:000000000000:rule/r' },
    ]);
  });
});

describe('Secrets Manager calls', () => {
  const ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:reelhire/dev/hub-AbC123';
  const resolve = (secretId: string) =>
    secretId === 'reelhire/dev/hub' || secretId === ARN || secretId.endsWith(':secret:reelhire/dev/hub')
      ? ARN
      : undefined;

  it('authorizes on the ARN the SecretId resolves to, and names the SecretId as given', () => {
    expect(
      checksOf(secretsManagerChecks('GetSecretValue', { SecretId: 'reelhire/dev/hub' }, resolve)),
    ).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: ARN, resourceInMessage: 'reelhire/dev/hub' },
    ]);
  });

  it('authorizes an unresolved SecretId on what it names', () => {
    const partial = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:reelhire/dev/tiktok-client-secret';
    expect(checksOf(secretsManagerChecks('GetSecretValue', { SecretId: partial }, resolve))).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: partial, resourceInMessage: partial },
    ]);
    expect(checksOf(secretsManagerChecks('DescribeSecret', { SecretId: 'missing' }, resolve))).toEqual([
      {
        action: 'secretsmanager:DescribeSecret',
        resource: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:missing',
        resourceInMessage: 'missing',
      },
    ]);
  });

  it('authorizes ListSecrets on *, and BatchGetSecretValue also per secret', () => {
    expect(checksOf(secretsManagerChecks('ListSecrets', {}, resolve))).toEqual([
      { action: 'secretsmanager:ListSecrets', resource: '*' },
    ]);
    expect(
      checksOf(secretsManagerChecks('BatchGetSecretValue', { SecretIdList: ['reelhire/dev/hub'] }, resolve)),
    ).toEqual([
      { action: 'secretsmanager:BatchGetSecretValue', resource: '*' },
      { action: 'secretsmanager:GetSecretValue', resource: ARN, resourceInMessage: 'reelhire/dev/hub' },
    ]);
  });
});

describe('Firehose calls', () => {
  it('authorizes PutRecord and PutRecordBatch on the delivery stream, and names no stream unmapped', () => {
    const stream = 'arn:aws:firehose:us-east-1:000000000000:deliverystream/reelhire-dev-funnel';
    for (const operation of ['PutRecord', 'PutRecordBatch']) {
      expect(checksOf(firehoseChecks(operation, { DeliveryStreamName: 'reelhire-dev-funnel' }))).toEqual([
        { action: `firehose:${operation}`, resource: stream },
      ]);
    }
    expect(firehoseChecks('PutRecord', {})).toEqual({ unmapped: 'no delivery stream named in PutRecord' });
  });
});
