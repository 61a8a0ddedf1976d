/**
 * An error a local AWS endpoint answers for the whole request: its AWS error code (`__type`) and HTTP status;
 * each service's subclass is serialized in that service's own shape.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
