import { isJsonObject } from '#shared/json.ts';
import { type CfnResource, type CfnTemplate, resolveReference } from '../../lib/assembly.ts';
import { synthesized } from '../support/synth.ts';

/**
 * Navigation in the synthesized templates. `resolve` turns an intrinsic into a readable reference that is the
 * same on both sides of a cross-stack import (see resolveReference).
 */

export const resourcesOf = (template: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

export const resourceOf = (template: CfnTemplate, logicalId: string, type: string): CfnResource => {
  const resource = template.Resources[logicalId];
  if (resource === undefined) throw new Error(`no resource ${logicalId}`);
  if (resource.Type !== type) throw new Error(`${logicalId} is a ${resource.Type}, not a ${type}`);
  return resource;
};

/** A property path of a resource, e.g. prop(r, 'RedrivePolicy', 'maxReceiveCount'). */
export const prop = (resource: CfnResource, ...keys: (string | number)[]): unknown => {
  let value: unknown = resource.Properties;
  for (const key of keys) {
    if (typeof key === 'number') value = Array.isArray(value) ? value[key] : undefined;
    else value = isJsonObject(value) ? value[key] : undefined;
  }
  return value;
};

export const resolve = (value: unknown): string => resolveReference(synthesized(), value);

/** Every policy statement of every policy document in a template, with where it is. */
export interface FoundStatement {
  readonly logicalId: string;
  readonly type: string;
  readonly statement: Record<string, unknown>;
}

const POLICY_DOCUMENTS: Readonly<Record<string, readonly string[][]>> = {
  'AWS::IAM::Policy': [['PolicyDocument']],
  'AWS::IAM::ManagedPolicy': [['PolicyDocument']],
  'AWS::SQS::QueuePolicy': [['PolicyDocument']],
  'AWS::SNS::TopicPolicy': [['PolicyDocument']],
  'AWS::KMS::Key': [['KeyPolicy']],
  'AWS::Events::EventBusPolicy': [['Statement']],
};

export const statementsOf = (template: CfnTemplate): FoundStatement[] => {
  const found: FoundStatement[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const documents: unknown[] = (POLICY_DOCUMENTS[resource.Type] ?? []).map((keys) =>
      prop(resource, ...keys),
    );
    if (resource.Type === 'AWS::IAM::Role') {
      const inline = prop(resource, 'Policies');
      if (Array.isArray(inline))
        documents.push(...inline.map((policy) => (policy as Record<string, unknown>).PolicyDocument));
    }
    for (const document of documents) {
      const statements = isJsonObject(document) ? document.Statement : document;
      for (const statement of Array.isArray(statements) ? statements : [statements]) {
        if (isJsonObject(statement)) found.push({ logicalId, type: resource.Type, statement });
      }
    }
  }
  return found;
};

export const listOf = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** `stateful` and `stateless` templates of the shared synth. */
export const templates = (): Readonly<Record<'stateful' | 'stateless', CfnTemplate>> =>
  synthesized().templates;
