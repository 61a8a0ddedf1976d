/** The SQS message being retried, as far as its delay is concerned. */
export interface RetriedMessage {
  readonly receiptHandle: string;
}

/** Makes a message come back after a delay (aws/sqs-retry-scheduler.ts: ChangeMessageVisibility). */
export interface RetryScheduler {
  retryAfter(message: RetriedMessage, delaySeconds: number): Promise<void>;
}
