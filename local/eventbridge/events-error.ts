import { AwsServiceError } from '../http/aws-service-error.ts';

/** An EventBridge error for the whole request, answered as AWS JSON 1.1 (`__type`, `message`). */
export class EventsError extends AwsServiceError {
  override readonly name = 'EventsError';
}
