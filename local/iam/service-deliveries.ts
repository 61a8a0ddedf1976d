import { LOCAL_ACCOUNT, LOCAL_REGION, localArn } from '../local-account.ts';
import type { AuthorizationResult, Authorizer } from './authorizer.ts';
import type { AuthorizationRequest } from './evaluation.ts';
import type { PolicyModel } from './policy-model.ts';
import type { Principal } from './principal.ts';

/**
 * The checks AWS makes when one service delivers to another on the account's behalf. A service principal is
 * allowed only by the target's resource policy (with the source's ARN and account as aws:SourceArn and
 * aws:SourceAccount); an encrypted target also needs its customer-managed key's policy to let the service use
 * the key; a rule target with a role is delivered as that role, which the service must be trusted to assume.
 * Every check of a delivery must allow it.
 */

const service = (name: string): Principal => ({ kind: 'service', service: name });

/** The KMS checks for a service writing to a target encrypted with a customer-managed key. */
const keyChecks = (
  model: PolicyModel,
  principal: Principal,
  targetArn: string,
  sourceArn: string,
): AuthorizationRequest[] => {
  const keyArn = model.encryptionKeys.get(targetArn);
  if (!keyArn) return [];
  return ['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({
    principal,
    action,
    resource: keyArn,
    context: { 'aws:SourceArn': sourceArn },
  }));
};

/** A service writing to a target for a source (a rule, an alarm), with the target's key if it has one. */
const serviceDelivery = (
  model: PolicyModel,
  serviceName: string,
  action: string,
  targetArn: string,
  sourceArn: string,
): AuthorizationRequest[] => {
  const principal = service(serviceName);
  return [
    { principal, action, resource: targetArn, context: { 'aws:SourceArn': sourceArn } },
    ...keyChecks(model, principal, targetArn, sourceArn),
  ];
};

/** An EventBridge rule delivering to a queue (a target, or a target's dead-letter queue). */
export const ruleToQueue = (model: PolicyModel, ruleArn: string, queueArn: string): AuthorizationRequest[] =>
  serviceDelivery(model, 'events.amazonaws.com', 'sqs:SendMessage', queueArn, ruleArn);

/** An EventBridge rule (or schedule) invoking a function: the function policy must let the rule invoke. */
export const ruleToFunction = (ruleArn: string, functionArn: string): AuthorizationRequest[] => [
  {
    principal: service('events.amazonaws.com'),
    action: 'lambda:InvokeFunction',
    resource: functionArn,
    context: { 'aws:SourceArn': ruleArn },
  },
];

/** An EventBridge rule putting events on another bus, as the target's role when it has one. */
export const ruleToBus = (ruleArn: string, busArn: string, roleArn?: string): AuthorizationRequest[] => {
  const events = service('events.amazonaws.com');
  if (!roleArn)
    return [
      {
        principal: events,
        action: 'events:PutEvents',
        resource: busArn,
        context: { 'aws:SourceArn': ruleArn },
      },
    ];
  return [
    { principal: events, action: 'sts:AssumeRole', resource: roleArn, context: { 'aws:SourceArn': ruleArn } },
    {
      principal: { kind: 'role-session', roleArn, sessionName: 'events' },
      action: 'events:PutEvents',
      resource: busArn,
    },
  ];
};

/** A rule delivering to its target, by the target's service: a queue, a function or another bus. */
export const ruleToTarget = (
  model: PolicyModel,
  ruleArn: string,
  target: { readonly arn: string; readonly roleArn?: string },
): AuthorizationRequest[] => {
  switch (target.arn.split(':')[2]) {
    case 'sqs':
      return ruleToQueue(model, ruleArn, target.arn);
    case 'lambda':
      return ruleToFunction(ruleArn, target.arn);
    case 'events':
      return ruleToBus(ruleArn, target.arn, target.roleArn);
    default:
      return [];
  }
};

/** A CloudWatch alarm notifying its topic; an encrypted topic's key must let CloudWatch use it. */
export const alarmToTopic = (
  model: PolicyModel,
  alarmArn: string,
  topicArn: string,
): AuthorizationRequest[] =>
  serviceDelivery(model, 'cloudwatch.amazonaws.com', 'sns:Publish', topicArn, alarmArn);

/** The ARN API Gateway invokes a function for: `<api>/<stage>/<METHOD><route path>`. */
export const executeApiArnOf = (apiId: string, stage: string, method: string, routePath: string): string =>
  `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${apiId}/${stage}/${method.toUpperCase()}${routePath}`;

/** An HTTP API route invoking its integration's function. */
export const apiToFunction = (
  route: { readonly apiId: string; readonly stage: string; readonly method: string; readonly path: string },
  functionArn: string,
): AuthorizationRequest[] => [
  {
    principal: service('apigateway.amazonaws.com'),
    action: 'lambda:InvokeFunction',
    resource: functionArn,
    context: { 'aws:SourceArn': executeApiArnOf(route.apiId, route.stage, route.method, route.path) },
  },
];

/** Lambda polling a queue for an event source mapping, with the function's execution role. */
export const queueToFunction = (
  roleArn: string,
  functionName: string,
  queueArn: string,
): AuthorizationRequest[] => {
  const role: Principal = { kind: 'role-session', roleArn, sessionName: functionName };
  return ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((action) => ({
    principal: role,
    action,
    resource: queueArn,
  }));
};

/** Lambda sending a failed asynchronous event to the function's dead-letter queue or on-failure destination. */
export const functionToDestination = (
  roleArn: string,
  functionName: string,
  targetArn: string,
): AuthorizationRequest[] => {
  const targetService = targetArn.split(':')[2];
  const action =
    targetService === 'sqs'
      ? 'sqs:SendMessage'
      : targetService === 'sns'
        ? 'sns:Publish'
        : targetService === 'events'
          ? 'events:PutEvents'
          : 'lambda:InvokeFunction';
  return [
    { principal: { kind: 'role-session', roleArn, sessionName: functionName }, action, resource: targetArn },
  ];
};

/** A delivery's decision: allowed, or the first check that was refused and why. */
export type DeliveryDecision =
  | { readonly allowed: true }
  | (Extract<AuthorizationResult, { allowed: false }> & { readonly check: AuthorizationRequest });

/** The first refusal among a delivery's checks, or allowed. */
export const authorizeDelivery = async (
  authorizer: Authorizer,
  checks: readonly AuthorizationRequest[],
): Promise<DeliveryDecision> => {
  for (const check of checks) {
    const result = await authorizer.authorize(check);
    if (!result.allowed) return { ...result, check };
  }
  return { allowed: true };
};

/** The ARN of an alarm by name, as CloudWatch builds it. */
export const alarmArnOf = (alarmName: string): string => localArn('cloudwatch', `alarm:${alarmName}`);
