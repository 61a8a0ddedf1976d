/** A property that takes one string or a list of them (`Roles`, `Queues`, `ManagedPolicyArns`). */
export const stringsOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
