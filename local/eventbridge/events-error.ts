/** An EventBridge error for the whole request, answered as AWS JSON 1.1 (`__type`, `message`). */
export class EventsError extends Error {
  override readonly name = 'EventsError';
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
