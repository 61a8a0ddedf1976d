import type { NamedPolicy, PolicyDocument } from '../../local/iam/policy-document.ts';
import type { PolicyModel } from '../../local/iam/policy-model.ts';

/** A policy model from explicit policies, for cases that are not read from a template. */
export const modelOf = (parts: {
  readonly identities?: Readonly<Record<string, readonly PolicyDocument[]>>;
  readonly boundaries?: Readonly<Record<string, PolicyDocument>>;
  readonly resourcePolicies?: Readonly<Record<string, PolicyDocument>>;
}): PolicyModel => ({
  identities: new Map(
    Object.entries(parts.identities ?? {}).map(([arn, documents]) => [
      arn,
      documents.map((document, index): NamedPolicy => ({ name: `policy${index + 1}`, document })),
    ]),
  ),
  boundaries: new Map(
    Object.entries(parts.boundaries ?? {}).map(([arn, document]) => [arn, { name: 'boundary', document }]),
  ),
  resourcePolicies: new Map(Object.entries(parts.resourcePolicies ?? {})),
  roles: [],
  functionRoles: new Map(),
  encryptionKeys: new Map(),
  warnings: [],
});
