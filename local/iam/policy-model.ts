import { readCloudAssembly } from '../../lib/assembly.ts';
import { ofType, type ResolvedResource, resolveCloudAssembly } from '../cloudformation/intrinsics.ts';
import { stringField } from '../json.ts';
import { type RoleModel, rolesOf } from './identity-policies.ts';
import type { NamedPolicy, PolicyDocument } from './policy-document.ts';
import { encryptionKeysOf, resourcePoliciesOf } from './resource-policies.ts';

/** Every policy local mode evaluates, read from the synthesized templates with their intrinsics resolved. */
export interface PolicyModel {
  /** Identity policies by the ARN of the IAM role (or user) they apply to. */
  readonly identities: ReadonlyMap<string, readonly NamedPolicy[]>;
  /** Permissions boundaries by the ARN of the role they bound. */
  readonly boundaries: ReadonlyMap<string, NamedPolicy>;
  /** Resource policies (queue, topic, bus, secret, key, table, function, role trust) by resource ARN. */
  readonly resourcePolicies: ReadonlyMap<string, PolicyDocument>;
  readonly roles: readonly RoleModel[];
  /** Each function's execution role ARN, by function name: whose credentials its calls carry. */
  readonly functionRoles: ReadonlyMap<string, string>;
  /** The customer-managed KMS key of each encrypted topic, queue or secret, by the resource's ARN. */
  readonly encryptionKeys: ReadonlyMap<string, string>;
  /** What could not be read (an unknown managed policy…): printed at start-up, never silently allowed. */
  readonly warnings: readonly string[];
}

export const policyModelOf = (resources: readonly ResolvedResource[]): PolicyModel => {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const roles = rolesOf(resources, warn);
  const functionRoles = new Map<string, string>();
  for (const fn of ofType(resources, 'AWS::Lambda::Function')) {
    const role = stringField(fn.properties, 'Role');
    if (role) functionRoles.set(fn.identity.ref, role);
  }
  return {
    identities: new Map(roles.map((role) => [role.arn, role.policies])),
    boundaries: new Map(
      roles.flatMap((role) =>
        role.permissionsBoundary ? [[role.arn, role.permissionsBoundary] as const] : [],
      ),
    ),
    resourcePolicies: resourcePoliciesOf(resources, warn),
    roles,
    functionRoles,
    encryptionKeys: encryptionKeysOf(resources),
    warnings,
  };
};

/** The policy model of a synthesized cloud assembly directory (cdk.out), resolved as `npm start` resolves it. */
export const policyModelOfAssembly = (assemblyDir: string, apiUrl: string): PolicyModel => {
  const { resources, warnings } = resolveCloudAssembly(readCloudAssembly(assemblyDir), apiUrl);
  const model = policyModelOf(resources);
  return { ...model, warnings: [...warnings, ...model.warnings] };
};

/** A secret's ARN without its `-` and six random characters: how a secret named in a template is keyed. */
const partialSecretArn = (arn: string): string | undefined =>
  /^arn:[^:]+:secretsmanager:[^:]*:\d*:secret:.+-[A-Za-z0-9]{6}$/.test(arn) ? arn.slice(0, -7) : undefined;

/** `…:table/T/index/I` and `…:table/T/stream/S` are governed by the policy of `…:table/T`. */
const tableArn = (arn: string): string | undefined =>
  /^(arn:[^:]+:dynamodb:[^:]*:\d*:table\/[^/]+)\//.exec(arn)?.[1];

/** A rule is governed by the policy of its bus: `rule/B/R` by `event-bus/B`, `rule/R` by `event-bus/default`. */
const busArnOfRule = (arn: string): string | undefined => {
  const match = /^(arn:[^:]+:events:[^:]*:\d*:)rule\/(?:([^/]+)\/)?[^/]+$/.exec(arn);
  return match ? `${match[1]}event-bus/${match[2] ?? 'default'}` : undefined;
};

/** The resource policy that governs a resource, if any. */
export const resourcePolicyOf = (model: PolicyModel, resourceArn: string): PolicyDocument | undefined => {
  const exact = model.resourcePolicies.get(resourceArn);
  if (exact) return exact;
  const parent = partialSecretArn(resourceArn) ?? tableArn(resourceArn) ?? busArnOfRule(resourceArn);
  return parent === undefined ? undefined : model.resourcePolicies.get(parent);
};
