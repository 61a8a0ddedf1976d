import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import { ofType } from '../cloudformation/intrinsics.ts';
import { arrayField, isJsonObject, stringField } from '../json.ts';
import { AWS_MANAGED_POLICIES } from './aws-managed-policies.ts';
import { type NamedPolicy, type PolicyDocument, parsePolicy } from './policy-document.ts';
import { stringsOf } from './resolved-resources.ts';

/** An IAM role of the templates with every policy that applies to its sessions. */
export interface RoleModel {
  readonly stackName: string;
  readonly logicalId: string;
  readonly arn: string;
  readonly name: string;
  /** Inline policies, AWS::IAM::Policy resources attached to it and its managed policies. */
  readonly policies: readonly NamedPolicy[];
  readonly permissionsBoundary: NamedPolicy | undefined;
  /** Who may assume it (the role's resource policy for sts:AssumeRole). */
  readonly trustPolicy: PolicyDocument | undefined;
}

/**
 * Reads every AWS::IAM::Role with its policies: inline `Policies`, AWS::IAM::Policy and AWS::IAM::ManagedPolicy
 * resources that list it in `Roles`, and `ManagedPolicyArns` (customer managed policies of the templates, or
 * the AWS managed policies whose documents are embedded). A policy that cannot be read is a warning, never an
 * allow: the role simply lacks it, as a deploy would fail or lack it too.
 */
export const rolesOf = (
  resources: readonly ResolvedResource[],
  warn: (message: string) => void,
): RoleModel[] => {
  const managed = new Map<string, NamedPolicy>();
  for (const policy of ofType(resources, 'AWS::IAM::ManagedPolicy')) {
    const document = parsePolicy(policy.properties.PolicyDocument);
    if (document) managed.set(policy.identity.ref, { name: policy.identity.ref, document });
    else warn(`${policy.logicalId}: AWS::IAM::ManagedPolicy without a readable PolicyDocument`);
  }
  const managedPolicyOf = (arn: string, roleId: string): NamedPolicy | undefined => {
    const known = managed.get(arn);
    if (known) return known;
    const document = AWS_MANAGED_POLICIES[arn];
    if (document) return { name: arn, document };
    warn(`${roleId}: managed policy ${arn} is not known locally; the role is evaluated without it`);
    return undefined;
  };

  // Attachments made from the policy's side, by role name.
  const attachedByRoleName = new Map<string, NamedPolicy[]>();
  const attach = (roleName: string, policy: NamedPolicy) =>
    attachedByRoleName.set(roleName, [...(attachedByRoleName.get(roleName) ?? []), policy]);
  for (const policy of ofType(resources, 'AWS::IAM::Policy')) {
    const document = parsePolicy(policy.properties.PolicyDocument);
    const name = stringField(policy.properties, 'PolicyName') ?? policy.logicalId;
    if (!document) {
      warn(`${policy.logicalId}: AWS::IAM::Policy without a readable PolicyDocument`);
      continue;
    }
    for (const roleName of stringsOf(policy.properties.Roles)) attach(roleName, { name, document });
  }
  for (const policy of ofType(resources, 'AWS::IAM::ManagedPolicy')) {
    const named = managed.get(policy.identity.ref);
    if (named) for (const roleName of stringsOf(policy.properties.Roles)) attach(roleName, named);
  }

  return ofType(resources, 'AWS::IAM::Role').map((role) => {
    const name = role.identity.ref;
    const roleId = `${role.stackName}/${role.logicalId}`;
    const inline = arrayField(role.properties, 'Policies')
      .filter(isJsonObject)
      .flatMap((policy): NamedPolicy[] => {
        const document = parsePolicy(policy.PolicyDocument);
        const policyName = stringField(policy, 'PolicyName') ?? 'inline';
        if (document) return [{ name: policyName, document }];
        warn(`${roleId}: inline policy ${policyName} has no readable PolicyDocument`);
        return [];
      });
    const managedPolicies = stringsOf(role.properties.ManagedPolicyArns)
      .map((arn) => managedPolicyOf(arn, roleId))
      .filter((policy): policy is NamedPolicy => policy !== undefined);
    const boundaryArn = stringField(role.properties, 'PermissionsBoundary');
    return {
      stackName: role.stackName,
      logicalId: role.logicalId,
      arn: role.identity.attribute('Arn') ?? role.identity.ref,
      name,
      policies: [...inline, ...(attachedByRoleName.get(name) ?? []), ...managedPolicies],
      permissionsBoundary: boundaryArn ? managedPolicyOf(boundaryArn, roleId) : undefined,
      trustPolicy: parsePolicy(role.properties.AssumeRolePolicyDocument),
    };
  });
};
