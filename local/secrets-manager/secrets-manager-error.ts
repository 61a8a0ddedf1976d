/**
 * A Secrets Manager error, answered as AWS JSON 1.1 (`{"__type": code, "Message": text}`, HTTP 400) so that
 * the SDK raises its modeled exception of that name (ResourceNotFoundException, ResourceExistsException…).
 */
export class SecretsManagerError extends Error {
  override readonly name = 'SecretsManagerError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const secretNotFound = (): SecretsManagerError =>
  new SecretsManagerError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export const invalidParameter = (message: string): SecretsManagerError =>
  new SecretsManagerError('InvalidParameterException', message);
