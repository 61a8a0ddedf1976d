import type { RetriedMessage, RetryScheduler } from '#shared/retry-scheduler.ts';

/** Remembers each retry delay a handler asked for, in place of ChangeMessageVisibility. */
export class RecordingRetryScheduler implements RetryScheduler {
  readonly delays: { receiptHandle: string; delaySeconds: number }[] = [];

  async retryAfter(message: RetriedMessage, delaySeconds: number): Promise<void> {
    this.delays.push({ receiptHandle: message.receiptHandle, delaySeconds });
  }
}
