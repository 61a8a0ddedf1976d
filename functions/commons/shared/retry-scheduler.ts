/** The SQS message being retried, as far as its delay is concerned. */
export interface RetriedMessage {
  readonly receiptHandle: string;
}

/** Makes a message come back later (aws/sqs-retry-scheduler.ts). */
export interface RetryScheduler {
  /** The same message, after a delay (ChangeMessageVisibility): its next receive is its next attempt. */
  retryAfter(message: RetriedMessage, delaySeconds: number): Promise<void>;
  /**
   * A copy of the message, sent again with a delay of at most 15 minutes (DelaySeconds): waiting this way does
   * not use up the message's receives, which count its attempts.
   */
  resendLater(body: string, delaySeconds: number): Promise<void>;
}
