import { isJsonObject, type JsonObject } from '#shared/json.ts';
import type { ResolvedResource } from '../../local/cloudformation/intrinsics.ts';

/**
 * Grants taken out of a synthesized (and resolved) template, the way a developer would delete them from the CDK
 * code: a statement of an identity, queue, topic or key policy, or a resource such as a Lambda permission. The
 * result goes to the running stack's `iam.reload(policyModelOf(…))`, in-process.
 */

/** Where each policy-holding resource type keeps its document. */
const DOCUMENT_PROPERTY: Readonly<Record<string, string>> = {
  'AWS::IAM::Policy': 'PolicyDocument',
  'AWS::IAM::ManagedPolicy': 'PolicyDocument',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
};

export const actionsOf = (statement: JsonObject): string[] =>
  (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
    (action): action is string => typeof action === 'string',
  );

/** The templates without the statements `remove` picks; fails when it picks none (the edit must mean something). */
export const withoutStatements = (
  resources: readonly ResolvedResource[],
  remove: (statement: JsonObject, resource: ResolvedResource) => boolean,
): ResolvedResource[] => {
  let removed = 0;
  const edited = resources.map((resource) => {
    const property = DOCUMENT_PROPERTY[resource.type];
    const document = property ? resource.properties[property] : undefined;
    if (!property || !isJsonObject(document) || !Array.isArray(document.Statement)) return resource;
    const kept = document.Statement.filter(
      (statement) => !(isJsonObject(statement) && remove(statement, resource)),
    );
    removed += document.Statement.length - kept.length;
    return {
      ...resource,
      properties: { ...resource.properties, [property]: { ...document, Statement: kept } },
    };
  });
  if (removed === 0) throw new Error('no statement matched: nothing would be taken away');
  return edited;
};

/** The templates without the resources `remove` picks (a Lambda::Permission…); fails when it picks none. */
export const withoutResources = (
  resources: readonly ResolvedResource[],
  remove: (resource: ResolvedResource) => boolean,
): ResolvedResource[] => {
  const kept = resources.filter((resource) => !remove(resource));
  if (kept.length === resources.length) throw new Error('no resource matched: nothing would be taken away');
  return kept;
};

/** A policy attached to a role (by the role's name, as the resolved template's `Roles` lists it). */
export const attachedTo =
  (roleNameSuffix: string) =>
  (resource: ResolvedResource): boolean =>
    resource.type === 'AWS::IAM::Policy' &&
    (Array.isArray(resource.properties.Roles) ? resource.properties.Roles : []).some(
      (role) => typeof role === 'string' && role.endsWith(roleNameSuffix),
    );
