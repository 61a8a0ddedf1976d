import { AwsServiceError } from '../http/aws-service-error.ts';

/**
 * A Secrets Manager error, answered as AWS JSON 1.1 (`{"__type": code, "Message": text}`, HTTP 400) so that
 * the SDK raises its modeled exception of that name (ResourceNotFoundException, ResourceExistsException…).
 */
export class SecretsManagerError extends AwsServiceError {
  override readonly name = 'SecretsManagerError';
}

export const secretNotFound = (): SecretsManagerError =>
  new SecretsManagerError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export const invalidParameter = (message: string): SecretsManagerError =>
  new SecretsManagerError('InvalidParameterException', message);
