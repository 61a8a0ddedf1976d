import { AwsServiceError } from '../http/aws-service-error.ts';

/**
 * A CloudWatch error for the whole request. CloudWatch answers AWS JSON 1.0 in query-compatible mode: the modeled
 * error as `__type` and its query API code in `x-amzn-query-error` (`ValidationError;Sender`), by which the SDK
 * picks the exception it raises (ValidationException, whose `Code` is ValidationError).
 */
export class CloudWatchError extends AwsServiceError {
  override readonly name = 'CloudWatchError';

  constructor(
    code: string,
    readonly queryCode: string,
    message: string,
    status = 400,
  ) {
    super(code, message, status);
  }
}

/** A request that breaks one of the API's constraints: what CloudWatch answers as ValidationError. */
export const validationError = (message: string): CloudWatchError =>
  new CloudWatchError('ValidationException', 'ValidationError', message);

/** Coral's words for a missing required member. */
export const missingMember = (member: string): CloudWatchError =>
  validationError(
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
