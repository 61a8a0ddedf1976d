import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

/** Messages a dead-letter queue is read in, and how long each read hides them from anyone else. */
const BATCH = 10;
const HOLD_SECONDS = 30;

/**
 * One queue through the SQS API, for what is not an event source mapping's job: sending a message to it, and
 * taking out of it (a dead-letter queue) the messages a caller names. SQS cannot look a message up, so taking
 * one out reads at most `maxMessages`, deletes those that match and makes the others visible again at once.
 */
export class SqsMessages {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  static of(queueUrl: string): SqsMessages {
    return new SqsMessages(new SQSClient({}), queueUrl);
  }

  async send(body: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
  }

  /** Deletes the messages whose body `matches` among the first `maxMessages` read; returns how many. */
  async takeOut(matches: (body: string) => boolean, maxMessages = 100): Promise<number> {
    let taken = 0;
    const kept: string[] = [];
    try {
      for (let read = 0; read < maxMessages; read += BATCH) {
        const batch = await this.takeOutBatch(matches);
        if (batch === undefined) break;
        taken += batch.taken;
        kept.push(...batch.kept);
      }
    } finally {
      // What was read and not taken goes back at once, rather than after the hold.
      for (let start = 0; start < kept.length; start += BATCH) {
        await this.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: kept.slice(start, start + BATCH).map((receiptHandle, index) => ({
              Id: String(index),
              ReceiptHandle: receiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
      }
    }
    return taken;
  }

  private async takeOutBatch(
    matches: (body: string) => boolean,
  ): Promise<{ taken: number; kept: string[] } | undefined> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: BATCH,
        VisibilityTimeout: HOLD_SECONDS,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return undefined;
    const matching = Messages.filter((message) => matches(message.Body ?? ''));
    if (matching.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: matching.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle ?? '',
          })),
        }),
      );
    }
    return {
      taken: matching.length,
      kept: Messages.filter((message) => !matching.includes(message)).map(
        (message) => message.ReceiptHandle ?? '',
      ),
    };
  }
}
