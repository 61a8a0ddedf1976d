import { FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';

let firehose: FirehoseClient | undefined;

/**
 * A Kinesis Data Firehose delivery stream (DirectPut): one PutRecord per line, which the SDK retries on
 * throttling. Firehose concatenates the records it delivers, so each record carries its own newline.
 */
export class FirehoseStream {
  constructor(
    private readonly client: FirehoseClient,
    private readonly streamName: string,
  ) {}

  async put(line: string): Promise<void> {
    await this.client.send(
      new PutRecordCommand({
        DeliveryStreamName: this.streamName,
        Record: { Data: Buffer.from(line, 'utf8') },
      }),
    );
  }
}

/** The stream through the container's one client; the endpoint comes from the SDK's usual configuration. */
export const firehoseStream = (streamName: string): FirehoseStream => {
  firehose ??= new FirehoseClient({});
  return new FirehoseStream(firehose, streamName);
};
