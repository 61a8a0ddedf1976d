import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { RetriedMessage, RetryScheduler } from '../retry-scheduler.ts';

/**
 * Delays a retry by hiding the message for the chosen time: when the handler then reports it as a batch item
 * failure, SQS keeps it invisible until the delay is over and its next receive is the next attempt. A message
 * that must only wait (not attempt) is sent again as a new message with a delay instead.
 */
export class SqsRetryScheduler implements RetryScheduler {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async retryAfter(message: RetriedMessage, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: Math.round(delaySeconds),
      }),
    );
  }

  async resendLater(body: string, delaySeconds: number): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
      }),
    );
  }
}

/** SQS's limit on a message's DelaySeconds. */
const MAX_DELAY_SECONDS = 900;

/** The scheduler of a function's own queue, with this container's SQS client. */
export const sqsRetryScheduler = (queueUrl: string): RetryScheduler =>
  new SqsRetryScheduler(new SQSClient({}), queueUrl);
