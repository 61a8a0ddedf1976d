import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * A small hand-written cloud assembly in the shapes `cdk synth` produces: a stateful stack (table, bus,
 * dead-letter queue, exports) and a stateless one importing them (a queue with redrive, a rule with retry
 * policy and DLQ, an event source mapping with partial batch responses, a schedule with an on-failure
 * destination, an HTTP API). Its one function is test/local/fixtures/probe-handler.ts, bundled by esbuild as
 * the CDK bundles the real handlers.
 */

export const PROBE = {
  stateful: 'Probe-Stateful',
  stateless: 'Probe-Stateless',
  busName: 'probe-bus',
  ruleName: 'probe-work',
  scheduleRuleName: 'probe-schedule',
  detailType: 'Probe',
  maxReceiveCount: 3,
  visibilityTimeoutSeconds: 2,
  /** Long enough for an invocation on a busy machine; `GET /sleep` sleeps far past it. */
  functionTimeoutSeconds: 20,
  workQueue: 'Probe-Stateless-WorkQueue',
  auditQueue: 'Probe-Stateless-AuditQueue',
  deadLetterQueue: 'Probe-Stateful-DeadLetterQueue',
  tableName: 'Probe-Stateful-Table',
  probeFunction: 'Probe-Stateless-ProbeFunction',
  scheduledFunction: 'probe-scheduled',
  secretName: 'probe/tiktok-client-secret',
  /** A function that may run once at a time (ReservedConcurrentExecutions 1), behind its own route. */
  reservedFunction: 'probe-reserved',
  reservedRoute: 'GET /reserved/sleep',
  /** The work queue's event source mapping polls with at most this many concurrent batches. */
  maximumConcurrency: 2,
} as const;

const ASSET = 'asset.probe';
const importValue = (name: string) => ({ 'Fn::ImportValue': `${PROBE.stateful}:${name}` });
const output = (name: string, value: unknown) => ({
  Value: value,
  Export: { Name: `${PROBE.stateful}:${name}` },
});

/** A queue policy letting EventBridge rules (these source ARNs) send to the queue, as the CDK writes one. */
const eventBridgeMaySend = (queueId: string, sourceArns: unknown) => ({
  Type: 'AWS::SQS::QueuePolicy',
  Properties: {
    Queues: [{ Ref: queueId }],
    PolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          Condition: { ArnEquals: { 'aws:SourceArn': sourceArns } },
        },
      ],
    },
  },
});

/** An HTTP API integration invoking a function with payload 2.0. */
const lambdaIntegration = (functionId: string) => ({
  Type: 'AWS::ApiGatewayV2::Integration',
  Properties: {
    ApiId: { Ref: 'Api' },
    IntegrationType: 'AWS_PROXY',
    IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
    PayloadFormatVersion: '2.0',
  },
});

const statefulTemplate = {
  Resources: {
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byKind',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    },
    EventBus: { Type: 'AWS::Events::EventBus', Properties: { Name: PROBE.busName } },
    DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1_209_600 } },
    // Both rules dead-letter here, by their fixed names (as the real stateful stack trusts its rules).
    DeadLetterQueuePolicy: eventBridgeMaySend('DeadLetterQueue', [
      {
        'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${PROBE.busName}/${PROBE.ruleName}`,
      },
      {
        'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${PROBE.scheduleRuleName}`,
      },
    ]),
  },
  Outputs: {
    ExportsTable: output('TableName', { Ref: 'Table' }),
    ExportsTableArn: output('TableArn', { 'Fn::GetAtt': ['Table', 'Arn'] }),
    ExportsBus: output('BusName', { Ref: 'EventBus' }),
    ExportsBusArn: output('BusArn', { 'Fn::GetAtt': ['EventBus', 'Arn'] }),
    ExportsDlqArn: output('DlqArn', { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }),
  },
};

const functionProperties = (environment: Record<string, unknown>, timeout: number) => ({
  Code: {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
    S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
    S3Key: 'probe.zip',
  },
  Handler: 'index.handler',
  Runtime: 'nodejs20.x',
  MemorySize: 256,
  Timeout: timeout,
  Role: { 'Fn::GetAtt': ['ProbeRole', 'Arn'] },
  Environment: { Variables: { ...environment, NODE_OPTIONS: '--enable-source-maps' } },
});

const functionMetadata = {
  'aws:asset:path': ASSET,
  'aws:asset:is-bundled': true,
  'aws:asset:property': 'Code',
};

export const HTTP_ROUTES = [
  'GET /health',
  'GET /echo/{id}',
  'POST /echo/{id}',
  'GET /echo/fixed',
  'GET /files/{path+}',
  'ANY /any',
  'GET /exit',
  'GET /sleep',
  'GET /throw',
  'GET /cookies',
  'GET /binary',
  'GET /plain',
  'GET /limited',
  'GET /secret',
];

/** The stage's throttles: every route at the default, `GET /limited` at one request a second with a burst of 2. */
export const PROBE_THROTTLES = {
  defaultRoute: { rateLimit: 1000, burstLimit: 500 },
  limited: { routeKey: 'GET /limited', rateLimit: 1, burstLimit: 2 },
} as const;

const statelessTemplate = {
  Parameters: {
    BootstrapVersion: {
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: '/cdk-bootstrap/hnb659fds/version',
    },
  },
  Conditions: {
    InCloud: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '000000000000'] }] },
  },
  Resources: {
    WorkQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        VisibilityTimeout: PROBE.visibilityTimeoutSeconds,
        RedrivePolicy: { deadLetterTargetArn: importValue('DlqArn'), maxReceiveCount: PROBE.maxReceiveCount },
        SqsManagedSseEnabled: true,
      },
    },
    AuditQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
    CloudOnlyQueue: { Type: 'AWS::SQS::Queue', Condition: 'InCloud', Properties: {} },
    ProbeRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      },
    },
    // What the probe does, and nothing else: local mode enforces it.
    ProbeRolePolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'ProbeRolePolicy',
        Roles: [{ Ref: 'ProbeRole' }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['dynamodb:PutItem', 'dynamodb:GetItem'],
              Resource: importValue('TableArn'),
            },
            { Effect: 'Allow', Action: 'events:PutEvents', Resource: importValue('BusArn') },
            {
              Effect: 'Allow',
              Action: [
                'sqs:ReceiveMessage',
                'sqs:DeleteMessage',
                'sqs:GetQueueAttributes',
                'sqs:ChangeMessageVisibility',
              ],
              Resource: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
            },
            {
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Resource: [{ 'Fn::GetAtt': ['AuditQueue', 'Arn'] }, importValue('DlqArn')],
            },
            {
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: {
                'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${PROBE.secretName}-??????`,
              },
            },
          ],
        },
      },
    },
    WorkQueuePolicy: eventBridgeMaySend('WorkQueue', { 'Fn::GetAtt': ['WorkRule', 'Arn'] }),
    ApiInvokesProbe: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['ProbeFunction', 'Arn'] },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
          'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*',
        },
      },
    },
    ScheduleInvokesScheduled: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['ScheduledFunction', 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': ['ScheduleRule', 'Arn'] },
      },
    },
    ProbeFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: functionProperties(
        {
          TABLE_NAME: importValue('TableName'),
          EVENT_BUS_NAME: importValue('BusName'),
          QUEUE_URL: { Ref: 'WorkQueue' },
          AUDIT_QUEUE_URL: { Ref: 'AuditQueue' },
          PUBLIC_BASE_URL: { 'Fn::GetAtt': ['Api', 'ApiEndpoint'] },
          // A name ending in `-secret`, which a partial ARN could not name.
          TIKTOK_CLIENT_SECRET_NAME: PROBE.secretName,
        },
        PROBE.functionTimeoutSeconds,
      ),
      Metadata: functionMetadata,
    },
    ScheduledFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        ...functionProperties({ SCHEDULE_FAILS: 'true' }, PROBE.functionTimeoutSeconds),
        FunctionName: PROBE.scheduledFunction,
      },
      Metadata: functionMetadata,
    },
    ReservedFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        ...functionProperties({}, 2),
        FunctionName: PROBE.reservedFunction,
        ReservedConcurrentExecutions: 1,
      },
      Metadata: functionMetadata,
    },
    ReservedIntegration: lambdaIntegration('ReservedFunction'),
    ReservedRoute: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        ApiId: { Ref: 'Api' },
        RouteKey: PROBE.reservedRoute,
        AuthorizationType: 'NONE',
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'ReservedIntegration' }]] },
      },
    },
    ApiInvokesReserved: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': ['ReservedFunction', 'Arn'] },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub template
          'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*',
        },
      },
    },
    InlineFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { ZipFile: 'exports.handler = async () => {}' },
        Handler: 'index.handler',
        Runtime: 'nodejs20.x',
      },
    },
    WorkRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: PROBE.ruleName,
        EventBusName: importValue('BusName'),
        EventPattern: { source: [{ prefix: 'reelhire.' }], 'detail-type': [PROBE.detailType, 'Probe Echo'] },
        State: 'ENABLED',
        Targets: [
          {
            Arn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
            Id: 'Target0',
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
            DeadLetterConfig: { Arn: importValue('DlqArn') },
          },
        ],
      },
    },
    WorkMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: {
        EventSourceArn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
        FunctionName: { Ref: 'ProbeFunction' },
        BatchSize: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: PROBE.maximumConcurrency },
      },
    },
    ScheduleRule: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: PROBE.scheduleRuleName,
        ScheduleExpression: 'rate(1 day)',
        State: 'ENABLED',
        Targets: [
          {
            Arn: { 'Fn::GetAtt': ['ScheduledFunction', 'Arn'] },
            Id: 'Target0',
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: importValue('DlqArn') },
          },
        ],
      },
    },
    ScheduledFunctionInvokeConfig: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: 'ScheduledFunction' },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: importValue('DlqArn') } },
      },
    },
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'probe', ProtocolType: 'HTTP' } },
    ApiStage: {
      Type: 'AWS::ApiGatewayV2::Stage',
      Properties: {
        ApiId: { Ref: 'Api' },
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: PROBE_THROTTLES.defaultRoute.rateLimit,
          ThrottlingBurstLimit: PROBE_THROTTLES.defaultRoute.burstLimit,
        },
        RouteSettings: {
          [PROBE_THROTTLES.limited.routeKey]: {
            ThrottlingRateLimit: PROBE_THROTTLES.limited.rateLimit,
            ThrottlingBurstLimit: PROBE_THROTTLES.limited.burstLimit,
          },
        },
      },
    },
    ApiIntegration: lambdaIntegration('ProbeFunction'),
    ...Object.fromEntries(
      HTTP_ROUTES.map((routeKey, index) => [
        `Route${index}`,
        {
          Type: 'AWS::ApiGatewayV2::Route',
          Properties: {
            ApiId: { Ref: 'Api' },
            RouteKey: routeKey,
            AuthorizationType: 'NONE',
            Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'ApiIntegration' }]] },
          },
        },
      ]),
    ),
  },
};

export const probeTemplates = { [PROBE.stateful]: statefulTemplate, [PROBE.stateless]: statelessTemplate };

/** Writes the assembly (manifest, both templates, the bundled probe) into a new temporary directory. */
export const writeProbeAssembly = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'reelhire-probe-'));
  await mkdir(join(dir, ASSET));
  await build({
    entryPoints: [fileURLToPath(new URL('../local/fixtures/probe-handler.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: join(dir, ASSET, 'index.mjs'),
    sourcemap: true,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  const artifacts: Record<string, unknown> = {};
  for (const [stackName, template] of Object.entries(probeTemplates)) {
    const templateFile = `${stackName}.template.json`;
    await writeFile(join(dir, templateFile), JSON.stringify(template, null, 1));
    artifacts[stackName] = {
      type: 'aws:cloudformation:stack',
      environment: 'aws://unknown-account/unknown-region',
      properties: { templateFile },
    };
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
  return dir;
};
