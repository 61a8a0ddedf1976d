import { beforeAll, describe, expect, it } from 'vitest';
import { readCloudAssembly } from '../../lib/assembly.ts';
import { type ResolvedResource, resolveCloudAssembly } from '../../local/cloudformation/intrinsics.ts';
import { Authorizer } from '../../local/iam/authorizer.ts';
import type { AuthorizationRequest } from '../../local/iam/evaluation.ts';
import { type PolicyModel, policyModelOf } from '../../local/iam/policy-model.ts';
import { tableKeysOf } from '../../local/iam/requests/dynamodb-requests.ts';
import {
  alarmArnOf,
  alarmToTopic,
  apiToFunction,
  authorizeDelivery,
  functionToDestination,
  queueToFunction,
  ruleToBus,
  ruleToFunction,
  ruleToQueue,
} from '../../local/iam/service-deliveries.ts';
import { localArn } from '../../local/local-account.ts';
import {
  asyncConfigsOf,
  httpRoutesOf,
  rulesOf,
  sqsEventSourceMappingsOf,
} from '../../local/template-model.ts';
import { synthesized } from '../support/synth.ts';

// Every delivery the dev stack relies on, decided with its own templates' policies: rules to their queues,
// dead-letter queues, functions and buses; API routes to their functions; event source mappings and async
// failure destinations with the functions' roles. A wrong aws:SourceArn is refused.

let resources: readonly ResolvedResource[];
let model: PolicyModel;
let authorizer: Authorizer;

beforeAll(() => {
  resources = resolveCloudAssembly(
    readCloudAssembly(synthesized().outdir),
    'http://127.0.0.1:3000',
  ).resources;
  model = policyModelOf(resources);
  authorizer = new Authorizer(model);
});

const refusalsOf = async (
  deliveries: readonly { readonly what: string; readonly checks: AuthorizationRequest[] }[],
) => {
  const refused: string[] = [];
  for (const delivery of deliveries) {
    const result = await authorizeDelivery(authorizer, delivery.checks);
    if (!result.allowed) refused.push(`${delivery.what}: ${result.reason}`);
  }
  return refused;
};

const service = (arn: string) => arn.split(':')[2];
const stringsIn = (value: unknown): string[] =>
  (Array.isArray(value) ? value : []).filter((item): item is string => typeof item === 'string');
const roleOf = (functionName: string): string => {
  const role = model.functionRoles.get(functionName);
  if (!role) throw new Error(`function ${functionName} has no role`);
  return role;
};

describe('the dev stack delivers what it routes', () => {
  it('reads the templates without warnings', () => {
    expect(model.warnings).toEqual([]);
  });

  it('knows the partition keys of the table and its indexes, for dynamodb:LeadingKeys', () => {
    const keys = tableKeysOf(resources).get('ReelHire-dev-Stateful-Table');
    expect(keys?.partitionKey).toBe('pk');
    expect(Object.fromEntries(keys?.indexes ?? [])).toEqual({
      videosByAccount: 'gsi1pk',
      dueAt: 'gsi2pk',
      byEmployer: 'gsi3pk',
    });
  });

  it('lets every rule reach its targets and dead-letter queues', async () => {
    const rules = rulesOf(resources, () => undefined);
    const deliveries = rules.flatMap((rule) =>
      rule.targets.flatMap((target) => {
        const rawTarget = resources.find(
          (resource) =>
            resource.type === 'AWS::Events::Rule' && resource.identity.attribute('Arn') === rule.arn,
        )?.properties.Targets;
        const roleArn = Array.isArray(rawTarget)
          ? (rawTarget as { Id?: string; RoleArn?: string }[]).find((raw) => raw.Id === target.id)?.RoleArn
          : undefined;
        const toTarget =
          service(target.arn) === 'sqs'
            ? ruleToQueue(model, rule.arn, target.arn)
            : service(target.arn) === 'lambda'
              ? ruleToFunction(rule.arn, target.arn)
              : ruleToBus(rule.arn, target.arn, roleArn);
        return [
          { what: `${rule.name} → ${target.arn}`, checks: toTarget },
          ...(target.deadLetterArn
            ? [
                {
                  what: `${rule.name} → DLQ ${target.deadLetterArn}`,
                  checks: ruleToQueue(model, rule.arn, target.deadLetterArn),
                },
              ]
            : []),
        ];
      }),
    );
    expect(deliveries.length).toBeGreaterThan(5);
    expect(await refusalsOf(deliveries)).toEqual([]);
  });

  it('refuses a queue delivery from a rule the queue policy does not name', async () => {
    const [first, second] = rulesOf(resources, () => undefined).filter((rule) =>
      rule.targets.some((target) => service(target.arn) === 'sqs'),
    );
    const queueArn = first!.targets.find((target) => service(target.arn) === 'sqs')!.arn;
    const result = await authorizeDelivery(authorizer, ruleToQueue(model, second!.arn, queueArn));
    expect(result.allowed).toBe(false);
    if (!result.allowed)
      expect(result.refusal).toMatchObject({ kind: 'implicit-deny', policyType: 'resource' });
  });

  it('lets every HTTP route invoke its function through the Lambda permission of its path', async () => {
    const api = resources.find((resource) => resource.type === 'AWS::ApiGatewayV2::Api');
    const deliveries = httpRoutesOf(resources, () => undefined).map((route) => {
      const [method, path] = route.routeKey.split(' ') as [string, string];
      return {
        what: route.routeKey,
        checks: apiToFunction(
          { apiId: api!.identity.ref, stage: '$default', method, path },
          localArn('lambda', `function:${route.functionName}`),
        ),
      };
    });
    expect(deliveries.length).toBeGreaterThan(3);
    expect(await refusalsOf(deliveries)).toEqual([]);
    const [method, path] = httpRoutesOf(resources, () => undefined)[0]!.routeKey.split(' ') as [
      string,
      string,
    ];
    const otherPath = await authorizeDelivery(
      authorizer,
      apiToFunction(
        { apiId: api!.identity.ref, stage: '$default', method, path: `${path}/not-a-route` },
        localArn('lambda', `function:${httpRoutesOf(resources, () => undefined)[0]!.functionName}`),
      ),
    );
    expect(otherPath.allowed).toBe(false);
  });

  it('lets every alarm notify its topic: the topic policy and the key policy of the encrypted topic', async () => {
    const deliveries = resources
      .filter((resource) => resource.type === 'AWS::CloudWatch::Alarm')
      .flatMap((alarm) =>
        [
          ...new Set([...stringsIn(alarm.properties.AlarmActions), ...stringsIn(alarm.properties.OKActions)]),
        ].map((topicArn) => ({
          what: `${String(alarm.properties.AlarmName)} → ${topicArn}`,
          checks: alarmToTopic(model, alarmArnOf(String(alarm.properties.AlarmName)), topicArn),
        })),
      );
    expect(deliveries.length).toBeGreaterThan(20);
    // Each delivery checks sns:Publish on the topic and kms:GenerateDataKey/Decrypt on its key.
    expect(deliveries[0]!.checks.map((check) => check.action)).toEqual([
      'sns:Publish',
      'kms:GenerateDataKey',
      'kms:Decrypt',
    ]);
    expect(await refusalsOf(deliveries)).toEqual([]);
    // Another account's alarm of the same name may not.
    const foreign = await authorizeDelivery(
      authorizer,
      alarmToTopic(
        model,
        'arn:aws:cloudwatch:us-east-1:111122223333:alarm:reelhire-dev-x',
        deliveries[0]!.checks[0]!.resource,
      ),
    );
    expect(foreign.allowed).toBe(false);
  });

  it('lets each function poll its queues and reach its async failure destinations with its role', async () => {
    const polling = sqsEventSourceMappingsOf(resources).map((mapping) => ({
      what: `${mapping.functionName} ← ${mapping.queueArn}`,
      checks: queueToFunction(roleOf(mapping.functionName), mapping.functionName, mapping.queueArn),
    }));
    const destinations = [...asyncConfigsOf(resources)].flatMap(([functionName, config]) =>
      [config.deadLetterArn, config.onFailureArn]
        .filter((arn): arn is string => arn !== undefined)
        .map((arn) => ({
          what: `${functionName} → ${arn}`,
          checks: functionToDestination(roleOf(functionName), functionName, arn),
        })),
    );
    expect(polling.length).toBeGreaterThan(0);
    expect(await refusalsOf([...polling, ...destinations])).toEqual([]);
  });
});
