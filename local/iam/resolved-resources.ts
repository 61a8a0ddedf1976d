import type { ResolvedResource } from '../cloudformation/intrinsics.ts';

/** The resolved resources of one CloudFormation type. */
export const ofType = (resources: readonly ResolvedResource[], type: string): ResolvedResource[] =>
  resources.filter((resource) => resource.type === type);

/** A property that takes one string or a list of them (`Roles`, `Queues`, `ManagedPolicyArns`). */
export const stringsOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
