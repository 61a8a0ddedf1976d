import { type RequestAnalysis, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../local-account.ts';
import type { Refusal } from './access-denied.ts';
import { ADMINISTRATOR_ACCESS_ARN, AWS_MANAGED_POLICIES } from './aws-managed-policies.ts';
import type { NamedPolicy, PolicyDocument } from './policy-document.ts';
import { type PolicyModel, resourcePolicyOf } from './policy-model.ts';
import { accountOf, type Principal, principalArnOf } from './principal.ts';

export type ContextValue = string | readonly string[];
export type RequestContext = Readonly<Record<string, ContextValue>>;

export interface AuthorizationRequest {
  readonly principal: Principal;
  /** `service:Action`, e.g. `dynamodb:PutItem`. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without a resource (`sqs:ListQueues`). */
  readonly resource: string;
  /** Request context keys (aws:SourceArn, dynamodb:LeadingKeys…); principal keys are added here. */
  readonly context?: RequestContext;
}

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly refusal: Refusal };

const ALLOWED: Decision = { allowed: true };

const ADMINISTRATOR_POLICIES: readonly NamedPolicy[] = [
  { name: ADMINISTRATOR_ACCESS_ARN, document: AWS_MANAGED_POLICIES[ADMINISTRATOR_ACCESS_ARN]! },
];

/** The policies that apply to a request: the principal's, its boundary, and the resource's. */
export interface ApplicablePolicies {
  readonly identity: readonly NamedPolicy[];
  readonly boundary: NamedPolicy | undefined;
  readonly resource: PolicyDocument | undefined;
}

export const applicablePolicies = (
  model: PolicyModel,
  principal: Principal,
  resource: string,
): ApplicablePolicies => {
  const resourcePolicy = resourcePolicyOf(model, resource);
  switch (principal.kind) {
    case 'role-session':
      return {
        identity: model.identities.get(principal.roleArn) ?? [],
        boundary: model.boundaries.get(principal.roleArn),
        resource: resourcePolicy,
      };
    case 'iam':
      return {
        identity: model.identities.get(principal.arn) ?? [],
        boundary: model.boundaries.get(principal.arn),
        resource: resourcePolicy,
      };
    case 'administrator':
      return { identity: ADMINISTRATOR_POLICIES, boundary: undefined, resource: resourcePolicy };
    case 'service':
      return { identity: [], boundary: undefined, resource: resourcePolicy };
  }
};

/**
 * The global keys AWS puts in every request context: who is calling, and facts about the request that local
 * mode knows better than the caller would (time, region). `aws:SecureTransport` is true unless the caller says
 * otherwise: every local call stands for a call that the SDK (or the AWS service) makes over TLS in the cloud.
 */
export const requestContextOf = (request: AuthorizationRequest, now: Date): Record<string, ContextValue> => {
  const { principal } = request;
  const context: Record<string, ContextValue> = {
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:RequestedRegion': request.resource.split(':')[3] || LOCAL_REGION,
    'aws:PrincipalIsAWSService': principal.kind === 'service' ? 'true' : 'false',
  };
  if (principal.kind === 'service') {
    context['aws:PrincipalServiceName'] = principal.service;
  } else {
    const identityArn =
      principal.kind === 'role-session'
        ? principal.roleArn
        : principal.kind === 'iam'
          ? principal.arn
          : undefined;
    const arn = identityArn ?? principalArnOf(principal);
    context['aws:PrincipalArn'] = arn;
    context['aws:PrincipalAccount'] = accountOf(arn) ?? LOCAL_ACCOUNT;
    context['aws:PrincipalType'] = arn.includes(':role/') ? 'AssumedRole' : 'User';
    if (arn.includes(':user/')) context['aws:username'] = arn.split('/').pop() ?? arn;
  }
  // Condition keys are case-insensitive: a key the caller gives replaces a default however it is spelled.
  for (const [key, value] of Object.entries(request.context ?? {})) {
    for (const known of Object.keys(context))
      if (known.toLowerCase() === key.toLowerCase()) delete context[known];
    context[key] = value;
  }
  // A service acting for a resource (a rule, an alarm) is in the account of that resource.
  const valueOfKey = (name: string) =>
    Object.entries(context).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const sourceArn = valueOfKey('aws:SourceArn');
  if (typeof sourceArn === 'string' && valueOfKey('aws:SourceAccount') === undefined) {
    const account = accountOf(sourceArn);
    if (account) context['aws:SourceAccount'] = account;
  }
  return context;
};

const mutable = (context: Record<string, ContextValue>): Record<string, string | string[]> =>
  Object.fromEntries(
    Object.entries(context).map(([key, value]) => [key, typeof value === 'string' ? value : [...value]]),
  );

/**
 * The account owning the resource. ARNs without one (`*`, S3 objects) belong to the caller's account: local
 * mode has one account, and a policy example's bucket is the caller's own.
 */
const resourceAccountOf = (request: AuthorizationRequest, context: Record<string, ContextValue>): string => {
  const principalAccount = context['aws:PrincipalAccount'] ?? context['aws:SourceAccount'];
  return (
    accountOf(request.resource) ?? (typeof principalAccount === 'string' ? principalAccount : LOCAL_ACCOUNT)
  );
};

/** Which policy refused, in the words of AWS's messages. */
const refusalOf = (analysis: RequestAnalysis, request: AuthorizationRequest): Refusal => {
  const principalArn = principalArnOf(request.principal);
  if (analysis.result === 'ExplicitlyDenied') {
    const policyType =
      (analysis.identityAnalysis?.denyStatements.length ?? 0) > 0
        ? 'identity'
        : (analysis.permissionBoundaryAnalysis?.denyStatements.length ?? 0) > 0
          ? 'permissions-boundary'
          : 'resource';
    return { kind: 'explicit-deny', policyType, principalArn };
  }
  if (analysis.blockedBy?.includes('pb'))
    return { kind: 'implicit-deny', policyType: 'permissions-boundary', principalArn };
  const resourceGrants =
    analysis.resourceAnalysis?.result === 'Allowed' ||
    analysis.resourceAnalysis?.result === 'AllowedForAccount';
  const identityAllows = analysis.identityAnalysis?.result === 'Allowed';
  // The resource's policy had to grant: to a service principal, to another account whose own policy allowed,
  // or on a KMS key whose policy neither grants nor delegates to IAM policies.
  const resourceHadToGrant =
    request.principal.kind === 'service' ||
    (request.action.toLowerCase().startsWith('kms:') && !resourceGrants) ||
    (!analysis.sameAccount && identityAllows);
  const policyType = resourceHadToGrant ? 'resource' : 'identity';
  return { kind: 'implicit-deny', policyType, principalArn };
};

/**
 * Decides one request with the evaluator, uncached. An invalid policy or an action the evaluator does not know
 * refuses a function's request (a deploy would fail or be refused too) and lets the administrator through.
 */
export const evaluate = async (
  request: AuthorizationRequest,
  policies: ApplicablePolicies,
  context: Record<string, ContextValue>,
): Promise<Decision> => {
  const principalArn = principalArnOf(request.principal);
  const simulation: Simulation = {
    request: {
      principal: principalArn,
      action: request.action,
      resource: { resource: request.resource, accountId: resourceAccountOf(request, context) },
      contextVariables: mutable(context),
    },
    identityPolicies: policies.identity.map((policy) => ({ name: policy.name, policy: policy.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(policies.resource ? { resourcePolicy: policies.resource } : {}),
    ...(policies.boundary
      ? { permissionBoundaryPolicies: [{ name: policies.boundary.name, policy: policies.boundary.document }] }
      : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    if (request.principal.kind === 'administrator') return ALLOWED;
    return {
      allowed: false,
      refusal: {
        kind: 'not-evaluated',
        policyType: 'identity',
        principalArn,
        detail: `${result.errors.message}: ${JSON.stringify(result.errors)}`,
      },
    };
  }
  if (result.overallResult === 'Allowed') return ALLOWED;
  const analysis = result.resultType === 'single' ? result.result.analysis : result.results[0]?.analysis;
  if (!analysis)
    return { allowed: false, refusal: { kind: 'implicit-deny', policyType: 'identity', principalArn } };
  return { allowed: false, refusal: refusalOf(analysis, request) };
};
