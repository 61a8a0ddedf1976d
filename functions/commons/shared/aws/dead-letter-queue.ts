import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

let sqs: SQSClient | undefined;

/**
 * Sends a message to the consumer's dead-letter queue (DEAD_LETTER_QUEUE_URL) with why it is there, as message
 * attributes: the reason, the error's type, the queue it came from and the attempts made.
 */
export const sendToDeadLetterQueue = async (
  record: SQSRecord,
  reason: string,
  errorType: string,
): Promise<void> => {
  const queueUrl = process.env.DEAD_LETTER_QUEUE_URL;
  if (!queueUrl) throw new Error('missing required environment variable DEAD_LETTER_QUEUE_URL');
  sqs ??= new SQSClient({});
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: record.body,
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: reason.slice(0, 4000) },
        errorType: { DataType: 'String', StringValue: errorType },
        sourceQueueArn: { DataType: 'String', StringValue: record.eventSourceARN },
        attempts: { DataType: 'Number', StringValue: record.attributes.ApproximateReceiveCount },
      },
    }),
  );
};
