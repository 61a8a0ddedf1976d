import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isJsonObject } from '#shared/json.ts';
import { readCloudAssembly } from '../../lib/assembly.ts';
import { funnelStreamNameOf } from '../../lib/names.ts';
import { type ResolvedResource, resolveCloudAssembly } from '../../local/cloudformation/intrinsics.ts';
import { dataFreshnessMetric } from '../../local/firehose/local-delivery-streams.ts';
import type { SessionCredentials } from '../../local/iam/credentials.ts';
import { policyModelOf } from '../../local/iam/policy-model.ts';
import { LOCAL_REGION } from '../../local/local-account.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { localClientConfig } from '../../local/testing/local-clients.ts';
import { startDevStack } from '../support/run-assembly.ts';
import { synthesized } from '../support/synth.ts';

// CloudWatch GetMetricData on the dev stack's API port, as `npm start` serves it: the funnel stream's
// DataFreshness, published by the local Firehose, read with the real SDK; IAM enforced on the call.

const STREAM = funnelStreamNameOf('dev');
/** A function no grant of cloudwatch:GetMetricData is meant for. */
const WEBHOOKS = 'WebhooksFunction';

/** The funnel stream's DataFreshness over the last ten minutes, as the funnel reader asks for it. */
const getFreshness = (client: CloudWatchClient, stat = 'Maximum', period = 60) =>
  client.send(
    new GetMetricDataCommand({
      MetricDataQueries: [
        {
          Id: 'freshness',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/Firehose',
              MetricName: 'DeliveryToS3.DataFreshness',
              Dimensions: [{ Name: 'DeliveryStreamName', Value: STREAM }],
            },
            Period: period,
            Stat: stat,
          },
        },
      ],
      StartTime: new Date(Date.now() - 600_000),
      EndTime: new Date(Date.now() + 1000),
    }),
  );

/** The templates with `statement` added to the default policy of the role of the function named `prefix…`. */
const withStatement = (
  resources: readonly ResolvedResource[],
  prefix: string,
  statement: Record<string, string>,
): ResolvedResource[] =>
  resources.map((resource) => {
    const document = resource.properties.PolicyDocument;
    if (!resource.logicalId.startsWith(`${prefix}RoleDefaultPolicy`) || !isJsonObject(document))
      return resource;
    const statements = Array.isArray(document.Statement) ? document.Statement : [];
    return {
      ...resource,
      properties: {
        ...resource.properties,
        PolicyDocument: { ...document, Statement: [...statements, statement] },
      },
    };
  });

describe('GetMetricData on the dev stack', () => {
  let stack: LocalStack;
  let template: readonly ResolvedResource[];
  const clients: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  const credentialsOf = (suffix: string): SessionCredentials => {
    const name = [...stack.functions.keys()].find((candidate) => candidate.includes(suffix));
    const credentials = name ? stack.iam.credentialsOf(name) : undefined;
    if (!credentials) throw new Error(`no function role for ${suffix}`);
    return credentials;
  };
  const cloudWatchAs = (credentials: SessionCredentials) =>
    track(new CloudWatchClient({ endpoint: stack.url, region: LOCAL_REGION, credentials, maxAttempts: 1 }));

  beforeAll(async () => {
    stack = await startDevStack();
    template = resolveCloudAssembly(readCloudAssembly(synthesized().outdir), stack.url).resources;
  }, 180_000);
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await stack?.stop();
  });
  afterEach(() => stack.iam.reload(policyModelOf(template)));

  it('answers the funnel stream’s DataFreshness while it holds a record, and 0 once it is delivered', async () => {
    const administrator = track(new CloudWatchClient(localClientConfig(stack.url)));
    const firehose = track(new FirehoseClient(localClientConfig(stack.url)));
    const putAt = Date.now();
    await firehose.send(
      new PutRecordCommand({
        DeliveryStreamName: STREAM,
        Record: { Data: Buffer.from('{"kind":"probe"}\n') },
      }),
    );
    const held = await eventually(
      async () => {
        const value = (await getFreshness(administrator)).MetricDataResults?.[0]?.Values?.[0];
        return value !== undefined && value >= 1 ? value : undefined;
      },
      { timeoutMs: 60_000, what: `a DataFreshness of 1 s for ${STREAM}` },
    );
    // Whole seconds rounded up: never less than the held record's age, never more than it rounded up.
    expect(held).toBeLessThanOrEqual(Math.ceil((Date.now() - putAt) / 1000));

    await stack.firehose.flush(STREAM);
    const latest = (await getFreshness(administrator, 'Minimum', 1)).MetricDataResults?.[0];
    expect(latest?.Values?.[0]).toBe(0);
    // The same datapoint in the stack's metrics, on its clock.
    const [zero] = stack.metrics.store
      .points(dataFreshnessMetric(STREAM), 0, Number.POSITIVE_INFINITY)
      .slice(-1);
    expect(zero?.value).toBe(0);
    expect(zero?.at).toBeLessThanOrEqual(stack.metrics.now());
  });

  it('refuses GetMetricData to a role without cloudwatch:GetMetricData, as CloudWatch does, and lists it', async () => {
    const before = stack.iam.refusals.count;
    const error = await getFreshness(cloudWatchAs(credentialsOf(WEBHOOKS))).then(
      () => undefined,
      (caught: unknown) => (caught instanceof CloudWatchServiceException ? caught : undefined),
    );
    expect(error?.name).toBe('AccessDenied');
    expect(error?.$metadata.httpStatusCode).toBe(403);
    expect(error?.message).toMatch(
      new RegExp(
        `^User: arn:aws:sts::000000000000:assumed-role/[^/]+/[^ ]*${WEBHOOKS}[^ ]* is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action$`,
      ),
    );
    expect(stack.iam.refusals.count).toBe(before + 1);
    expect(stack.iam.refusals.list().at(-1)).toMatchObject({
      action: 'cloudwatch:GetMetricData',
      resource: '*',
      reason: error?.message,
    });
  });

  it('lets the role read once it is granted cloudwatch:GetMetricData on *', async () => {
    stack.iam.reload(
      policyModelOf(
        withStatement(template, WEBHOOKS, {
          Effect: 'Allow',
          Action: 'cloudwatch:GetMetricData',
          Resource: '*',
        }),
      ),
    );
    const before = stack.iam.refusals.count;
    const answer = await getFreshness(cloudWatchAs(credentialsOf(WEBHOOKS)));
    expect(answer.MetricDataResults?.[0]).toMatchObject({ Id: 'freshness', StatusCode: 'Complete' });
    expect(stack.iam.refusals.count).toBe(before);
  });
});
