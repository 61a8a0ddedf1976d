import { FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';

let firehose: FirehoseClient | undefined;

/**
 * A tap is answered only once its record is taken, and a failure whose answer was lost may have taken it: more
 * attempts than the SDK's 3 make both a refused tap and a record counted for a 503 rarer (backoff within ~3 s).
 */
const FIREHOSE_ATTEMPTS = 6;

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

/**
 * The stream through the container's one client; the endpoint comes from the SDK's usual configuration. Every
 * tap waits for a PutRecord, and nothing changes the client's middleware after it is made, so the client
 * resolves its middleware once per command instead of once per call (the SDK's `cacheMiddleware`).
 */
export const firehoseStream = (streamName: string): FirehoseStream => {
  firehose ??= new FirehoseClient({ maxAttempts: FIREHOSE_ATTEMPTS, cacheMiddleware: true });
  return new FirehoseStream(firehose, streamName);
};
