import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { funnelLine } from '#funnel/funnel-record.ts';
import { FUNNEL_STREAM_COUNT_VARIABLE } from '#funnel/funnel-streams.ts';
import { isJsonObject } from '#shared/json.ts';
import {
  type CfnTemplate,
  type ReelHireAssembly,
  readAssembly,
  resolveReference,
} from '../../lib/assembly.ts';
import { FUNCTIONS, type FunctionSpec } from '../../lib/functions.ts';
import {
  FIREHOSE_STREAM_PLANNED_SHARE,
  FIREHOSE_STREAM_QUOTA,
  FUNNEL_STREAMS,
  VIRAL_TAPS_PER_SECOND,
} from '../../lib/funnel-capacity.ts';
import {
  DEFAULT_BUS_FORWARD,
  funnelStreamNameOf,
  funnelStreamNamesOf,
  logicalIds,
  stackIdOf,
} from '../../lib/names.ts';
import { EVENT_ROUTES } from '../../lib/routing.ts';
import { LAUNCH_WARM_THROUGHPUT } from '../../lib/stateful-stack.ts';
import {
  findingsOf,
  freshOutdir,
  PROD_ENV,
  removeOutdirs,
  reportOf,
  SECRETS_IN_USE,
  synthWithoutBundling,
} from '../support/synth-variants.ts';
import { listOf, prop, resourceOf, resourcesOf } from './template.ts';

// The prod stage as docs/deploy.md configures it, beside the dev templates that the other files test.

afterAll(removeOutdirs);

describe('prod stage (docs/deploy.md)', () => {
  let outdir = '';
  let assembly: ReelHireAssembly;
  let stateful: CfnTemplate;
  let stateless: CfnTemplate;
  const resolve = (value: unknown): string => resolveReference(assembly, value);

  beforeAll(() => {
    outdir = freshOutdir();
    synthWithoutBundling(outdir, { stage: 'prod' }, PROD_ENV);
    assembly = readAssembly(outdir, 'prod');
    ({ stateful, stateless } = assembly.templates);
  });

  it('keeps the table, the bus and the dead-letter queues, and protects the table from deletion', () => {
    const table = resourceOf(stateful, logicalIds.table, 'AWS::DynamoDB::Table');
    expect(prop(table, 'DeletionProtectionEnabled')).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(resourceOf(stateful, logicalIds.eventBus, 'AWS::Events::EventBus').DeletionPolicy).toBe('Retain');
    expect(prop(resourceOf(stateful, logicalIds.eventBus, 'AWS::Events::EventBus'), 'Name')).toBe(
      'reelhire-prod',
    );
    for (const route of EVENT_ROUTES) {
      expect(
        resourceOf(stateful, logicalIds.deadLetterQueue(route.id), 'AWS::SQS::Queue').DeletionPolicy,
      ).toBe('Retain');
    }
    const archives = resourcesOf(stateful, 'AWS::Events::Archive');
    expect(archives.map(([, archive]) => prop(archive, 'RetentionDays'))).toEqual([30]);
  });

  it('warms the table and the videosByAccount index for the launch peak of the capacity plan', () => {
    const table = resourceOf(stateful, logicalIds.table, 'AWS::DynamoDB::Table');
    expect(prop(table, 'WarmThroughput')).toEqual({
      ReadUnitsPerSecond: LAUNCH_WARM_THROUGHPUT.table.readUnitsPerSecond,
      WriteUnitsPerSecond: LAUNCH_WARM_THROUGHPUT.table.writeUnitsPerSecond,
    });
    // 10,600 deliveries/s, each a dedupe write and a link write.
    expect(LAUNCH_WARM_THROUGHPUT.table.writeUnitsPerSecond).toBe(21_200);
    const index = listOf(prop(table, 'GlobalSecondaryIndexes')).find(
      (candidate) => isJsonObject(candidate) && candidate.IndexName === 'videosByAccount',
    );
    expect(isJsonObject(index) && index.WarmThroughput).toEqual({
      ReadUnitsPerSecond: LAUNCH_WARM_THROUGHPUT.videosByAccount.readUnitsPerSecond,
      WriteUnitsPerSecond: LAUNCH_WARM_THROUGHPUT.videosByAccount.writeUnitsPerSecond,
    });
  });

  it('writes the funnel log through enough delivery streams for a viral video within Firehose’s default quota', () => {
    // docs/capacity.md "Sizing for one viral video": one PutRecord per tap, 2,000 requests/s per stream.
    const streams = resourcesOf(stateful, 'AWS::KinesisFirehose::DeliveryStream').map(([, stream]) => stream);
    expect(streams.map((stream) => prop(stream, 'DeliveryStreamName'))).toEqual(funnelStreamNamesOf('prod'));
    expect(streams).toHaveLength(FUNNEL_STREAMS.prod);
    const perStream = VIRAL_TAPS_PER_SECOND / streams.length;
    expect(perStream).toBeLessThanOrEqual(
      FIREHOSE_STREAM_QUOTA.requestsPerSecond * FIREHOSE_STREAM_PLANNED_SHARE,
    );
    // A tap's record as the links function writes it (≈ 195 bytes).
    const recordBytes = Buffer.byteLength(
      funnelLine({
        kind: 'portfolioTap',
        id: 'dGVzdC1yZXF1ZXN0LWlkMQ=',
        at: new Date().toISOString(),
        platform: 'tiktok',
        videoId: '7399990000000000001',
        profileId: 'prof_6f1c0d2e-8f43-4c7a-9b8e-2d5a1c3e4f50',
      }),
    );
    expect(recordBytes).toBeGreaterThan(150);
    expect((perStream * recordBytes) / 2 ** 20).toBeLessThanOrEqual(
      FIREHOSE_STREAM_QUOTA.mibPerSecond * FIREHOSE_STREAM_PLANNED_SHARE,
    );
    // One log: the same bucket, prefix, buffering and role, so the queries read every stream's objects.
    const destinations = new Set(
      streams.map((stream) => JSON.stringify(prop(stream, 'ExtendedS3DestinationConfiguration'))),
    );
    expect(destinations.size).toBe(1);
    // The first stream is the one a single-stream log had: same name and logical id, so nothing is replaced.
    expect(resourcesOf(stateful, 'AWS::KinesisFirehose::DeliveryStream')[0]?.[0]).toMatch(
      /^FunnelLogDeliveryStream[0-9A-F]{8}$/,
    );
  });

  it('gives each recording function the first stream’s name, the count, and PutRecord on exactly those streams', () => {
    const first = funnelStreamNameOf('prod');
    const arn = (name: string) =>
      `arn:\${AWS::Partition}:firehose:\${AWS::Region}:\${AWS::AccountId}:deliverystream/${name}`;
    const recording = Object.entries(FUNCTIONS).filter(
      ([, spec]: [string, FunctionSpec]) => spec.recordsFunnel,
    );
    expect(recording.length).toBeGreaterThan(0);
    for (const [name] of recording) {
      const fn = resourceOf(stateless, logicalIds.function(name), 'AWS::Lambda::Function');
      expect(prop(fn, 'Environment', 'Variables', 'FUNNEL_STREAM_NAME')).toBe(first);
      expect(prop(fn, 'Environment', 'Variables', FUNNEL_STREAM_COUNT_VARIABLE)).toBe(
        String(FUNNEL_STREAMS.prod),
      );
      const firehose = resourcesOf(stateless, 'AWS::IAM::Policy')
        .filter(([, policy]) =>
          listOf(prop(policy, 'Roles')).map(resolve).includes(logicalIds.functionRole(name)),
        )
        .flatMap(([, policy]) => listOf(prop(policy, 'PolicyDocument', 'Statement')).filter(isJsonObject))
        .filter((statement) => JSON.stringify(statement.Action).includes('firehose:'));
      expect(firehose.map((statement) => listOf(statement.Resource).map(resolve))).toEqual([
        [arn(first), arn(`${first}-*`)],
      ]);
    }
  });

  it('keeps every route queue, and the day of notification retries it holds, when it leaves the stack', () => {
    for (const route of EVENT_ROUTES) {
      const queue = resourceOf(stateless, logicalIds.queue(route.id), 'AWS::SQS::Queue');
      expect({
        route: route.id,
        deletion: queue.DeletionPolicy,
        replacement: queue.UpdateReplacePolicy,
      }).toEqual({
        route: route.id,
        deletion: 'Retain',
        replacement: 'Retain',
      });
    }
    for (const [logicalId, logGroup] of resourcesOf(stateless, 'AWS::Logs::LogGroup')) {
      expect({ logicalId, deletion: logGroup.DeletionPolicy }).toEqual({ logicalId, deletion: 'Retain' });
    }
  });

  it('reserves each function’s concurrency and caps each event source mapping as in dev', () => {
    for (const [name, spec] of Object.entries(FUNCTIONS)) {
      const fn = resourceOf(stateless, logicalIds.function(name), 'AWS::Lambda::Function');
      expect(prop(fn, 'ReservedConcurrentExecutions')).toBe(spec.reservedConcurrency);
    }
    for (const route of EVENT_ROUTES) {
      const mapping = resourceOf(
        stateless,
        logicalIds.eventSourceMapping(route.id),
        'AWS::Lambda::EventSourceMapping',
      );
      expect(prop(mapping, 'ScalingConfig')).toEqual({ MaximumConcurrency: route.queue.maximumConcurrency });
    }
    // An account keeps 100 executions unreserved: the reservations must fit its default 1,000.
    const reserved = Object.values(FUNCTIONS).reduce((sum, spec) => sum + spec.reservedConcurrency, 0);
    expect(reserved).toBeLessThanOrEqual(900);
  });

  it('neither demands nor grants the viewer-token secret: the cloud verifies viewer tokens with the JWKS', () => {
    const text = readFileSync(path.join(outdir, `${stackIdOf('prod', 'stateless')}.template.json`), 'utf8');
    expect(text).not.toMatch(/VIEWER_TOKEN_SECRET|viewer-token|VIEWER_TOKEN/i);
    const verifiers = (Object.entries(FUNCTIONS) as [string, FunctionSpec][]).filter(
      ([, spec]) => spec.verifiesViewerTokens,
    );
    expect(verifiers.length).toBeGreaterThan(0);
    for (const [name] of verifiers) {
      const fn = resourceOf(stateless, logicalIds.function(name), 'AWS::Lambda::Function');
      expect(prop(fn, 'Environment', 'Variables', 'VIEWER_JWKS_URL')).toBe(PROD_ENV.REELHIRE_VIEWER_JWKS_URL);
    }
  });

  it('grants each secret by the configured name and six-character suffix, and passes the name', () => {
    const grants = resourcesOf(stateless, 'AWS::IAM::Policy').flatMap(([, policy]) =>
      listOf(prop(policy, 'PolicyDocument', 'Statement'))
        .filter(isJsonObject)
        .filter((statement) => statement.Action === 'secretsmanager:GetSecretValue')
        .map((statement) => resolve(statement.Resource)),
    );
    expect(new Set(grants)).toEqual(
      new Set(
        SECRETS_IN_USE.map(
          (name) =>
            `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:prod/reelhire/${name}-??????`,
        ),
      ),
    );
  });

  it('forwards no default-bus events (producers name reelhire-prod), so it has no forward rule or queue', () => {
    expect(stateless.Resources[logicalIds.rule(DEFAULT_BUS_FORWARD)]).toBeUndefined();
    expect(stateful.Resources[logicalIds.deadLetterQueue(DEFAULT_BUS_FORWARD)]).toBeUndefined();
  });

  it('references the stateful stack weakly (Fn::GetStackOutput): no export can block a deploy of it', () => {
    const exported = Object.entries(stateful.Outputs ?? {}).filter(
      ([, output]) => output.Export !== undefined,
    );
    expect(exported).toEqual([]);
    const stateless = readFileSync(
      path.join(outdir, `${stackIdOf('prod', 'stateless')}.template.json`),
      'utf8',
    );
    expect(stateless).not.toContain('Fn::ImportValue');
    expect(stateless).toContain('"Fn::GetStackOutput"');
  });

  it('alarms on every dead-letter queue: at least 1 visible message, 60 s period, 1 datapoint, to the alarm topic', () => {
    const deadLetterQueues = resourcesOf(stateful, 'AWS::SQS::Queue').map(([logicalId]) => logicalId);
    expect(deadLetterQueues.length).toBeGreaterThan(0);
    const alarms = resourcesOf(stateless, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm);
    for (const queueId of deadLetterQueues) {
      const watching = alarms.filter((alarm) =>
        listOf(prop(alarm, 'Dimensions')).some(
          (dimension) => isJsonObject(dimension) && resolve(dimension.Value) === `${queueId}.QueueName`,
        ),
      );
      expect(
        watching.map((alarm) => ({
          metric: prop(alarm, 'MetricName'),
          statistic: prop(alarm, 'Statistic'),
          period: prop(alarm, 'Period'),
          datapoints: prop(alarm, 'DatapointsToAlarm'),
          threshold: prop(alarm, 'Threshold'),
          actions: listOf(prop(alarm, 'AlarmActions')).map(resolve),
        })),
        queueId,
      ).toEqual([
        {
          metric: 'ApproximateNumberOfMessagesVisible',
          statistic: 'Maximum',
          period: 60,
          datapoints: 1,
          threshold: 1,
          actions: [expect.stringMatching(/^MonitoringAlarmTopic/)],
        },
      ]);
    }
  });

  it('lets CloudWatch publish to the alarm topic for the prod alarms only', () => {
    const [, policy] = resourcesOf(stateless, 'AWS::SNS::TopicPolicy')[0]!;
    const allow = listOf(prop(policy, 'PolicyDocument', 'Statement'))
      .filter(isJsonObject)
      .find((statement) => statement.Effect === 'Allow');
    expect(allow?.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(
      resolve(
        (allow?.Condition as { ArnLike: Record<string, unknown> } | undefined)?.ArnLike['aws:SourceArn'],
      ),
    ).toBe(`arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:reelhire-prod-*`);
  });

  it('turns on termination protection for the stateful stack', () => {
    const manifest = JSON.parse(readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { properties?: { terminationProtection?: boolean } }>;
    };
    expect(manifest.artifacts[stackIdOf('prod', 'stateful')]?.properties?.terminationProtection).toBe(true);
  });

  it('wires the configured JWKS url, public base url, secret names and alarm email', () => {
    const applicationsApi = resourceOf(
      stateless,
      logicalIds.function('applicationsApi'),
      'AWS::Lambda::Function',
    );
    expect(prop(applicationsApi, 'Environment', 'Variables', 'VIEWER_JWKS_URL')).toBe(
      PROD_ENV.REELHIRE_VIEWER_JWKS_URL,
    );
    expect(prop(applicationsApi, 'Environment', 'Variables', 'PUBLIC_BASE_URL')).toBe(
      'https://reelhire.example.com',
    );
    const webhooks = resourceOf(stateless, logicalIds.function('webhooks'), 'AWS::Lambda::Function');
    expect(prop(webhooks, 'Environment', 'Variables', 'TIKTOK_CLIENT_SECRET_NAME')).toBe(
      'prod/reelhire/TIKTOK_CLIENT_SECRET',
    );
    expect(prop(applicationsApi, 'Environment', 'Variables', 'REELHIRE_STAGE')).toBe('prod');
    const subscriptions = resourcesOf(stateless, 'AWS::SNS::Subscription').map(([, subscription]) => ({
      protocol: prop(subscription, 'Protocol'),
      endpoint: prop(subscription, 'Endpoint'),
    }));
    expect(subscriptions).toEqual([{ protocol: 'email', endpoint: 'ops@example.com' }]);
  });

  it('never puts a secret value in the template', () => {
    const text = readFileSync(path.join(outdir, `${stackIdOf('prod', 'stateless')}.template.json`), 'utf8');
    expect(text).not.toMatch(/whsec_|resolve:secretsmanager/);
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged', () => {
    expect(findingsOf(reportOf(outdir))).toEqual([]);
  });
});
