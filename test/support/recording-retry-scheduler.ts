import type { RetriedMessage, RetryScheduler } from '#shared/retry-scheduler.ts';

/** Remembers each retry delay a handler asked for, in place of ChangeMessageVisibility and SendMessage. */
export class RecordingRetryScheduler implements RetryScheduler {
  readonly delays: { receiptHandle: string; delaySeconds: number }[] = [];
  readonly resent: { body: string; delaySeconds: number }[] = [];

  async resendLater(body: string, delaySeconds: number): Promise<void> {
    this.resent.push({ body, delaySeconds });
  }

  async retryAfter(message: RetriedMessage, delaySeconds: number): Promise<void> {
    this.delays.push({ receiptHandle: message.receiptHandle, delaySeconds });
  }
}
