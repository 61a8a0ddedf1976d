import { createHash } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_PARTITION, localArn } from '../local-account.ts';

/** What `Ref` and `Fn::GetAtt` return for one resource, as CloudFormation would after creating it. */
export interface ResourceIdentity {
  readonly ref: string;
  attribute(name: string): string | undefined;
}

export interface IdentityInput {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  /** A property of the resource, resolved (names given explicitly in the template win). */
  readonly property: (name: string) => unknown;
  /** The local API origin (queue URLs, API endpoints). */
  readonly apiUrl: string;
}

/**
 * The name CloudFormation would generate (`<stack>-<logicalId>-<random>`), made deterministic so that a
 * table kept under REELHIRE_DATA_DIR is found again after a restart.
 */
export const generatedName = (stackName: string, logicalId: string, maxLength: number): string => {
  const name = `${stackName}-${logicalId}`.replace(/[^A-Za-z0-9_.-]/g, '');
  if (name.length <= maxLength) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, maxLength - 9)}-${hash}`;
};

const shortId = (input: IdentityInput): string =>
  createHash('sha256').update(`${input.stackName}/${input.logicalId}`).digest('hex').slice(0, 10);

const named = (input: IdentityInput, property: string, maxLength: number): string => {
  const given = input.property(property);
  return typeof given === 'string' && given !== ''
    ? given
    : generatedName(input.stackName, input.logicalId, maxLength);
};

const identity = (ref: string, attributes: Record<string, string>): ResourceIdentity => ({
  ref,
  attribute: (name) => attributes[name],
});

export const queueUrlOf = (apiUrl: string, queueName: string): string =>
  `${apiUrl}/${LOCAL_ACCOUNT}/${queueName}`;

/** Ref/GetAtt semantics per resource type (the CloudFormation reference's "Return values" sections). */
export const identityOf = (input: IdentityInput): ResourceIdentity => {
  switch (input.type) {
    case 'AWS::SQS::Queue': {
      const fifo = input.property('FifoQueue') === true || input.property('FifoQueue') === 'true';
      const given = input.property('QueueName');
      const name =
        typeof given === 'string' && given !== ''
          ? given
          : `${generatedName(input.stackName, input.logicalId, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
      const url = queueUrlOf(input.apiUrl, name);
      return identity(url, { Arn: localArn('sqs', name), QueueName: name, QueueUrl: url });
    }
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable': {
      const name = named(input, 'TableName', 255);
      const arn = localArn('dynamodb', `table/${name}`);
      return identity(name, { Arn: arn, StreamArn: `${arn}/stream/1970-01-01T00:00:00.000`, TableId: name });
    }
    case 'AWS::Events::EventBus': {
      const name = named(input, 'Name', 256);
      return identity(name, { Arn: localArn('events', `event-bus/${name}`), Name: name });
    }
    case 'AWS::Events::Rule': {
      const name = named(input, 'Name', 64);
      const bus = input.property('EventBusName');
      const busName = typeof bus === 'string' && bus !== '' ? bus.split('/').pop()! : 'default';
      const custom = busName !== 'default';
      return identity(custom ? `${busName}|${name}` : name, {
        Arn: localArn('events', custom ? `rule/${busName}/${name}` : `rule/${name}`),
      });
    }
    case 'AWS::Lambda::Function': {
      const name = named(input, 'FunctionName', 64);
      return identity(name, { Arn: localArn('lambda', `function:${name}`) });
    }
    case 'AWS::Lambda::Version':
    case 'AWS::Lambda::Alias': {
      const target = String(input.property('FunctionName') ?? input.logicalId);
      const qualifier = input.type === 'AWS::Lambda::Alias' ? String(input.property('Name') ?? 'live') : '1';
      const arn = `${target.startsWith('arn:') ? target : localArn('lambda', `function:${target}`)}:${qualifier}`;
      return identity(arn, { Version: qualifier, AliasArn: arn, FunctionArn: arn });
    }
    case 'AWS::IAM::Role': {
      const name = named(input, 'RoleName', 64);
      return identity(name, {
        Arn: localArn('iam', `role/${name}`),
        RoleId: `AROA${shortId(input).toUpperCase()}`,
      });
    }
    case 'AWS::IAM::ManagedPolicy':
      return identity(localArn('iam', `policy/${named(input, 'ManagedPolicyName', 128)}`), {});
    case 'AWS::SecretsManager::Secret': {
      const name = named(input, 'Name', 256);
      const arn = localArn('secretsmanager', `secret:${name}-${shortId(input).slice(0, 6)}`);
      return identity(arn, { Id: arn });
    }
    case 'AWS::ApiGatewayV2::Api': {
      const apiId = shortId(input);
      return identity(apiId, { ApiEndpoint: input.apiUrl, ApiId: apiId });
    }
    case 'AWS::ApiGatewayV2::Stage':
      return identity(String(input.property('StageName') ?? '$default'), {});
    case 'AWS::ApiGatewayV2::Integration':
      return identity(shortId(input), { IntegrationId: shortId(input) });
    case 'AWS::Logs::LogGroup': {
      const name = named(input, 'LogGroupName', 512);
      return identity(name, { Arn: localArn('logs', `log-group:${name}:*`) });
    }
    case 'AWS::SNS::Topic': {
      const arn = localArn('sns', named(input, 'TopicName', 256));
      return identity(arn, { TopicArn: arn, TopicName: arn.split(':').pop()! });
    }
    case 'AWS::CloudFront::Distribution': {
      // Locally the API port is the distribution (the front door runs there).
      const id = `E${shortId(input).toUpperCase()}`;
      return identity(id, { DomainName: new URL(input.apiUrl).host, Id: id });
    }
    case 'AWS::CloudFront::CachePolicy':
    case 'AWS::CloudFront::OriginRequestPolicy':
      return identity(shortId(input), { Id: shortId(input) });
    case 'AWS::WAFv2::WebACL': {
      const name = named(input, 'Name', 128);
      const id = shortId(input);
      const scope = input.property('Scope') === 'CLOUDFRONT' ? 'global' : 'regional';
      return identity(`${name}|${id}|${String(input.property('Scope') ?? 'REGIONAL')}`, {
        Arn: localArn('wafv2', `${scope}/webacl/${name}/${id}`),
        Id: id,
      });
    }
    case 'AWS::S3::Bucket': {
      // Bucket names are lower case, at most 63 characters; ARNs carry no region or account.
      const name = named(input, 'BucketName', 63).toLowerCase();
      return identity(name, { Arn: `arn:${LOCAL_PARTITION}:s3:::${name}`, BucketName: name });
    }
    case 'AWS::KinesisFirehose::DeliveryStream': {
      const name = named(input, 'DeliveryStreamName', 64);
      return identity(name, { Arn: localArn('firehose', `deliverystream/${name}`) });
    }
    case 'AWS::Athena::WorkGroup':
      return identity(named(input, 'Name', 128), {});
    case 'AWS::Glue::Database': {
      const given = input.property('DatabaseInput');
      const name = given !== null && typeof given === 'object' && 'Name' in given ? String(given.Name) : '';
      return identity(name || generatedName(input.stackName, input.logicalId, 255).toLowerCase(), {});
    }
    case 'AWS::KMS::Key': {
      const keyId = shortId(input);
      return identity(keyId, { Arn: localArn('kms', `key/${keyId}`), KeyId: keyId });
    }
    default: {
      // Resources the local runtime does not emulate still resolve, so references to them do not stop start-up.
      const id = generatedName(input.stackName, input.logicalId, 128);
      return identity(id, { Arn: localArn('local', id) });
    }
  }
};
