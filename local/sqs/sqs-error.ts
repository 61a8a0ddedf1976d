/**
 * An SQS error as the service reports it: the JSON protocol's `__type` name and the query-compatible code
 * (`x-amzn-query-error`), so SDK clients raise the same exception classes as against AWS.
 */
export class SqsError extends Error {
  override readonly name = 'SqsError';
  constructor(
    readonly code: string,
    message: string,
    readonly queryCode: string = code,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const queueDoesNotExist = (): SqsError =>
  new SqsError(
    'QueueDoesNotExist',
    'The specified queue does not exist.',
    'AWS.SimpleQueueService.NonExistentQueue',
  );

export const invalidParameter = (message: string): SqsError => new SqsError('InvalidParameterValue', message);
