import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '#events/catalog.ts';
import { sampleOf } from '#events/samples.ts';
import type { JsonObject } from '#shared/json.ts';
import { signedSampleWebhook } from '../../cli/sample-webhooks.ts';
import { readCloudAssembly } from '../../lib/assembly.ts';
import { DEFAULT_BUS_FORWARD, logicalIds } from '../../lib/names.ts';
import { type ResolvedResource, resolveCloudAssembly } from '../../local/cloudformation/intrinsics.ts';
import { DEV_SECRETS } from '../../local/dev-secrets.ts';
import { policyModelOf } from '../../local/iam/policy-model.ts';
import type { IamRefusal } from '../../local/iam/refusals.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { eventually } from '../../local/testing/eventually.ts';
import { actionsOf, attachedTo, withoutResources, withoutStatements } from '../iam/template-edits.ts';
import { startDevStack } from '../support/run-assembly.ts';
import { synthesized } from '../support/synth.ts';

// The dev stack as `npm start` runs it, with IAM enforced: for each service and each kind of policy (identity,
// resource, key, Lambda permission) a grant is taken out of the synthesized template, in-process, and the
// request that needs it gets AWS's refusal through the running stack; the grant put back, it works again.

const credentials = { accessKeyId: 'AKIATESTADMIN0000001', secretAccessKey: 'any' };
let stack: LocalStack;
let template: readonly ResolvedResource[];
let bus: EventBridgeClient;
const printed: string[] = [];

beforeAll(async () => {
  stack = await startDevStack({
    log: (line) => printed.push(line),
    targetBackoffMs: () => 20,
    asyncRetryDelaysMs: [20, 20],
    // A 60-second alarm period lasts half a second.
    alarmTimeScale: 120,
  });
  template = resolveCloudAssembly(readCloudAssembly(synthesized().outdir), stack.url).resources;
  bus = new EventBridgeClient({ endpoint: stack.url, region: 'us-east-1', credentials });
}, 180_000);

afterAll(async () => {
  bus?.destroy();
  await stack?.stop();
});

/** Every test leaves the templates' policies as they were. */
afterEach(() => stack.iam.reload(policyModelOf(template)));

const reloadWith = (resources: readonly ResolvedResource[]) => stack.iam.reload(policyModelOf(resources));

/** Takes out the statements of the `resourceType` policies that `pick` chooses. */
const revokeIn = (
  resourceType: string,
  pick: (statement: JsonObject, resource: ResolvedResource) => boolean,
) =>
  reloadWith(
    withoutStatements(
      template,
      (statement, resource) => resource.type === resourceType && pick(statement, resource),
    ),
  );

/** A statement whose principal is the service `principal`. */
const grantsTo = (principal: string) => (statement: JsonObject) =>
  JSON.stringify(statement.Principal).includes(principal);

/** Takes away the Lambda permission, of the function named like `functionName`, that `pick` chooses. */
const revokePermission = (
  functionName: string,
  pick: (permission: ResolvedResource['properties']) => boolean,
) =>
  reloadWith(
    withoutResources(
      template,
      (resource) =>
        resource.type === 'AWS::Lambda::Permission' &&
        String(resource.properties.FunctionName).includes(functionName) &&
        pick(resource.properties),
    ),
  );

/** Takes a grant of `action` away from the role whose name ends in `roleSuffix`. */
const revoke = (roleSuffix: string, action: string) =>
  reloadWith(
    withoutStatements(
      template,
      (statement, resource) => attachedTo(roleSuffix)(resource) && actionsOf(statement).includes(action),
    ),
  );

/** The refusals recorded since the count was `before`. */
const refusalsSince = (before: number): readonly IamRefusal[] => {
  const recent = stack.iam.refusals.list();
  const added = stack.iam.refusals.count - before;
  return added === 0 ? [] : recent.slice(-added);
};

const webhook = async (name: Parameters<typeof signedSampleWebhook>[0], overrides = {}) => {
  const signed = signedSampleWebhook(name, overrides, (secret) => DEV_SECRETS[secret]);
  return fetch(`${stack.url}${signed.path}`, { method: 'POST', headers: signed.headers, body: signed.body });
};

const functionNamed = (suffix: string): string => {
  const found = [...stack.functions.keys()].find((name) => name.endsWith(suffix));
  if (!found) throw new Error(`no function ${suffix}`);
  return found;
};

const deadLetterQueue = (routeId: string) =>
  stack.deadLetterQueues().find((queue) => queue.name.includes(logicalIds.deadLetterQueue(routeId)));

const alarm = (name: string) => stack.alarms.list().find((candidate) => candidate.name === name);

const DLQ_ALARM = 'reelhire-dev-VideoEvents-dlq-depth';

/** Waits for the VideoEvents dead-letter queue alarm to be in `state`, and returns it. */
const dlqAlarmIn = (state: 'OK' | 'ALARM') =>
  eventually(
    () => {
      const found = alarm(DLQ_ALARM);
      return found?.state === state ? found : undefined;
    },
    { what: `${DLQ_ALARM} in ${state}`, timeoutMs: 30_000 },
  );

/** A Video Posted on the stack's bus, as a producer puts it. */
const postVideo = (videoId: string) =>
  bus.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: 'reelhire-dev',
          Source: 'reelhire.tiktok',
          DetailType: 'Video Posted',
          Detail: JSON.stringify({ ...(sampleOf(EVENTS.videoPosted).detail as object), videoId }),
        },
      ],
    }),
  );

/** Waits for a message holding `text` in a route's dead-letter queue. */
const deadLettered = (routeId: string, text: string) =>
  eventually(() => deadLetterQueue(routeId)?.messages.find((message) => message.body.includes(text)), {
    what: `${text} in the ${routeId} dead-letter queue`,
  });

describe('the dev stack with IAM enforced', () => {
  it('accepts a signed TikTok webhook: its function reads the client secret from the local Secrets Manager by name', async () => {
    const response = await webhook('tiktok.video-posted', { videoId: '7400000000000000001' });
    expect(response.status).toBe(200);
    expect(stack.iam.refusals.count).toBe(0);
  });

  it('identity policy, Secrets Manager: without its GetSecretValue grant the webhook fails, refused as AWS refuses it', async () => {
    const before = stack.iam.refusals.count;
    revoke('WebhooksFunctionRole', 'secretsmanager:GetSecretValue');
    // The Contra secret is read for the first time here (a function keeps what it read for a few minutes).
    const response = await webhook('contra.profile-updated');
    expect(response.status).toBe(500);
    expect(refusalsSince(before)).toContainEqual(
      expect.objectContaining({
        action: 'secretsmanager:GetSecretValue',
        resource: expect.stringMatching(
          /^arn:aws:secretsmanager:us-east-1:000000000000:secret:reelhire\/dev\/contra-webhook-secret-[A-Za-z0-9]{6}$/,
        ),
        reason: expect.stringMatching(
          /^User: arn:aws:sts::000000000000:assumed-role\/ReelHire-dev-Stateless-WebhooksFunctionRole\/ReelHire-dev-Stateless-WebhooksFunction is not authorized to perform: secretsmanager:GetSecretValue on resource: reelhire\/dev\/contra-webhook-secret because no identity-based policy allows the secretsmanager:GetSecretValue action$/,
        ),
      }),
    );
    expect(
      printed.some((line) => line.startsWith('[iam] refused: User: arn:aws:sts::000000000000:assumed-role/')),
    ).toBe(true);
  });

  it('/health reads no secret: it answers with every secret grant taken away', async () => {
    reloadWith(
      withoutStatements(template, (statement) =>
        actionsOf(statement).includes('secretsmanager:GetSecretValue'),
      ),
    );
    const response = await fetch(`${stack.url}/health`);
    expect(response.status).toBe(200);
  });

  it('identity policy, EventBridge: without PutEvents the webhook asks the platform to retry, nothing reaches the bus', async () => {
    const before = stack.iam.refusals.count;
    revoke('WebhooksFunctionRole', 'events:PutEvents');
    const response = await webhook('contra.job-published', { jobId: 'job_refused_put' });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      detail: 'the delivery could not be published; retry later',
    });
    expect(refusalsSince(before)).toContainEqual(
      expect.objectContaining({
        action: 'events:PutEvents',
        resource: expect.stringContaining(':event-bus/reelhire-dev'),
      }),
    );
    expect(
      stack.activity.busEvents().some((record) => JSON.stringify(record.event).includes('job_refused_put')),
    ).toBe(false);
  });

  it('identity policy, DynamoDB: without its read grant the links API fails with DynamoDB’s AccessDeniedException', async () => {
    const before = stack.iam.refusals.count;
    revoke('LinksApiFunctionRole', 'dynamodb:GetItem');
    expect((await fetch(`${stack.url}/links/tiktok/7400000000000000001`)).status).toBe(500);
    expect(refusalsSince(before)).toContainEqual(
      expect.objectContaining({
        action: expect.stringMatching(/^dynamodb:(GetItem|Query|BatchGetItem)$/),
        resource: expect.stringContaining(':table/ReelHire-dev-Stateful-Table'),
      }),
    );
  });

  it('identity policy, SQS: a role that may not receive from its queue is not polled; the messages wait, then flow', async () => {
    const before = stack.iam.refusals.count;
    revoke('VideoEventsFunctionRole', 'sqs:ReceiveMessage');
    const refused = await eventually(
      () =>
        refusalsSince(before).find((refusal) => refusal.delivery?.startsWith('event source mapping ')) ??
        undefined,
      { what: 'the poller refused', timeoutMs: 30_000 },
    );
    expect(refused).toMatchObject({
      action: 'sqs:ReceiveMessage',
      resource: expect.stringContaining('VideoEventsQueue'),
    });
    await postVideo('7400000000000000002');
    const queue = stack.queues.all().find((candidate) => candidate.name.endsWith('-VideoEventsQueue'))!;
    await eventually(() => (queue.counts().visible > 0 ? true : undefined), {
      what: 'the event waiting in its queue',
    });
    stack.iam.reload(policyModelOf(template));
    await eventually(() => (queue.peek().length === 0 ? true : undefined), {
      what: 'the queue drained once the role may poll again',
      timeoutMs: 30_000,
    });
  });

  it('resource policy, SQS: a rule the queue policy no longer names cannot deliver; EventBridge dead-letters at once', async () => {
    revokeIn(
      'AWS::SQS::QueuePolicy',
      (statement, resource) =>
        resource.logicalId.startsWith('VideoEventsQueue') && grantsTo('events.amazonaws.com')(statement),
    );
    await postVideo('7400000000000000003');
    const dead = await deadLettered('VideoEvents', '7400000000000000003');
    expect(dead.messageAttributes.ERROR_CODE?.StringValue).toBe('NO_PERMISSIONS');
    expect(dead.messageAttributes.ERROR_MESSAGE?.StringValue).toMatch(
      /^User: events\.amazonaws\.com is not authorized to perform: sqs:SendMessage on resource: .*VideoEventsQueue because no resource-based policy allows the sqs:SendMessage action$/,
    );
  });

  it('the default-bus forward: refused to its role, the event goes to its own dead-letter queue, not lost', async () => {
    reloadWith(
      withoutStatements(template, (statement, resource) => {
        const role = resource.type === 'AWS::IAM::Policy' ? JSON.stringify(resource.properties.Roles) : '';
        return role.includes('DefaultBusForward') && actionsOf(statement).includes('events:PutEvents');
      }),
    );
    await bus.send(
      new PutEventsCommand({
        Entries: [{ Source: 'reelhire.api', DetailType: 'Probe Forward', Detail: '{"forward":"refused"}' }],
      }),
    );
    const dead = await deadLettered(DEFAULT_BUS_FORWARD, '"forward":"refused"');
    expect(dead.messageAttributes.ERROR_CODE?.StringValue).toBe('NO_PERMISSIONS');
  });

  it('Lambda permission, API: without it API Gateway answers 500 with its own body', async () => {
    revokePermission('LinksApi', (permission) => String(permission.SourceArn).endsWith('/health'));
    const response = await fetch(`${stack.url}/health`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    expect(stack.iam.refusals.list().at(-1)).toMatchObject({
      principalArn: 'apigateway.amazonaws.com',
      action: 'lambda:InvokeFunction',
      resource: expect.stringContaining(functionNamed('LinksApiFunction')),
    });
  });

  it('Lambda permission, schedule: without it the rule cannot invoke; the run is dead-lettered', async () => {
    revokePermission('JobExpiry', (permission) => permission.Principal === 'events.amazonaws.com');
    const fired = stack.runSchedule('reelhire-dev-JobExpirySchedule');
    const dead = await deadLettered('JobExpirySchedule', fired.id);
    expect(dead.messageAttributes.ERROR_CODE?.StringValue).toBe('NO_PERMISSIONS');
  });

  it('reserved concurrency, asynchronous: a run beyond it is throttled, then tried again as Lambda does', async () => {
    const jobExpiry = functionNamed('JobExpiryFunction');
    const runsOf = () =>
      stack.activity
        .invocations()
        .filter((record) => record.functionName === jobExpiry && record.trigger === 'schedule');
    const before = runsOf().length;
    // Two runs at once for a function that may run once at a time (ReservedConcurrentExecutions 1).
    stack.runSchedule('reelhire-dev-JobExpirySchedule');
    stack.runSchedule('reelhire-dev-JobExpirySchedule');
    const runs = await eventually(
      () => {
        const since = runsOf().slice(before);
        return since.filter((record) => record.outcome === 'succeeded').length === 2 ? since : undefined;
      },
      { what: 'both runs done, one of them after a throttle', timeoutMs: 30_000 },
    );
    expect(runs.map((record) => record.outcome)).toContain('throttled');
  });

  it('alarms: a dead-letter queue with a message alarms within its period and notifies the alarm topic', async () => {
    const dlqAlarm = await dlqAlarmIn('ALARM');
    expect(dlqAlarm.notification).toBe('delivered');
    const notice = stack.alarms.topics
      .deliveries()
      .findLast((delivery) => delivery.subject.includes(dlqAlarm.name));
    expect(notice?.subject).toBe(`ALARM: "${dlqAlarm.name}" in US East (N. Virginia)`);
    expect(JSON.parse(notice?.message ?? '{}')).toMatchObject({
      NewStateValue: 'ALARM',
      AlarmName: dlqAlarm.name,
    });
    // Alarms whose metrics are quiet are OK.
    expect(alarm('reelhire-dev-webhooks-throttles')?.state).toBe('OK');
  });

  it('resource policy, SNS: without the topic policy’s CloudWatch statement the state change is not delivered', async () => {
    const before = stack.iam.refusals.count;
    revokeIn('AWS::SNS::TopicPolicy', (statement) => statement.Sid === 'CloudWatchAlarmsPublish');
    stack.queues.byName(deadLetterQueue('VideoEvents')?.name ?? '')?.purge();
    const refused = await dlqAlarmIn('OK');
    expect(refused.notification).toBe('refused');
    // Another alarm may change state meanwhile (the jobExpiry throttle above): its refusal is not this one.
    expect(refusalsSince(before)).toContainEqual(
      expect.objectContaining({
        principalArn: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        delivery: expect.stringContaining(`alarm ${DLQ_ALARM}`),
      }),
    );
  });

  it('key policy: without CloudWatch’s use of the topic key, the notification is refused too', async () => {
    revokeIn('AWS::KMS::Key', grantsTo('cloudwatch.amazonaws.com'));
    const queue = stack.queues.byName(deadLetterQueue('VideoEvents')!.name)!;
    queue.send({ body: '{"a":"message that needs looking at"}' });
    const refused = await dlqAlarmIn('ALARM');
    expect(refused.notification).toBe('refused');
    expect(stack.iam.refusals.list().at(-1)).toMatchObject({
      principalArn: 'cloudwatch.amazonaws.com',
      action: expect.stringMatching(/^kms:/),
    });
  });
});
