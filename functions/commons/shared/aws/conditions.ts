/** True for a conditional write the condition refused (the SDK's ConditionalCheckFailedException). */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
