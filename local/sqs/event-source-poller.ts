import type { SQSRecord } from 'aws-lambda';
import { isJsonObject } from '#shared/json.ts';
import { FunctionStoppedError, type LocalFunction } from '../lambda/local-function.ts';
import { LOCAL_REGION } from '../local-account.ts';
import type { LocalQueue, ReceivedMessage } from './local-queue.ts';

/** An SQS event source mapping as the template defines it. */
export interface EventSourceMappingSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  /** Concurrent batches at most (ScalingConfig.MaximumConcurrency, or the local default). */
  readonly maximumConcurrency: number;
}

/** How long one receive waits for messages (SQS's long-poll maximum). */
const LONG_POLL_SECONDS = 20;

/** How long a poller whose role may not read the queue waits before it tries again. */
const REFUSED_PAUSE_MS = 5_000;

export interface PollerPorts {
  readonly onError: (error: unknown) => void;
  /**
   * Whether the function's role may receive, delete and read the attributes of the queue's messages, as Lambda's
   * pollers need: a refused poller receives nothing (the messages wait) and tries again a little later.
   */
  readonly mayPoll: () => Promise<boolean>;
}

export const sqsRecordOf = (queue: LocalQueue, received: ReceivedMessage): SQSRecord => {
  const { message } = received;
  return {
    messageId: message.messageId,
    receiptHandle: received.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: message.senderId,
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      ...(message.awsTraceHeader ? { AWSTraceHeader: message.awsTraceHeader } : {}),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.messageAttributes).map(([name, value]) => [
        name,
        {
          dataType: value.DataType,
          stringListValues: [],
          binaryListValues: [],
          ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
          ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue } : {}),
        },
      ]),
    ),
    md5OfBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: LOCAL_REGION,
  } as SQSRecord;
};

/** The ids the function reported as failed, or undefined when the response is not a valid partial batch response. */
const failedIdsOf = (response: unknown, batch: readonly ReceivedMessage[]): Set<string> | undefined => {
  if (!isJsonObject(response) || response.batchItemFailures === undefined) return new Set();
  const failures = response.batchItemFailures;
  if (!Array.isArray(failures)) return undefined;
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = isJsonObject(failure) ? failure.itemIdentifier : undefined;
    // Lambda treats an empty, missing or unknown identifier as the failure of the whole batch.
    if (typeof id !== 'string' || !batch.some((received) => received.message.messageId === id))
      return undefined;
    ids.add(id);
  }
  return ids;
};

/**
 * Lambda's SQS poller: receives batches (BatchSize, MaximumBatchingWindowInSeconds), invokes the function
 * synchronously and deletes what succeeded. A failed invocation leaves the whole batch to reappear after the
 * visibility timeout; with ReportBatchItemFailures only the reported messages stay. Redrive to the DLQ is the
 * queue's own doing (maxReceiveCount).
 */
export class EventSourcePoller {
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly queue: LocalQueue,
    private readonly fn: LocalFunction,
    private readonly settings: EventSourceMappingSettings,
    private readonly ports: PollerPorts,
  ) {}

  start(): void {
    this.loops = Array.from({ length: Math.max(1, this.settings.maximumConcurrency) }, () => this.poll());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async poll(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      if (!(await this.ports.mayPoll())) {
        await pause(REFUSED_PAUSE_MS, signal);
        continue;
      }
      const batch = await this.collectBatch(signal);
      if (batch.length === 0 || signal.aborted) continue;
      // Permissions may have gone while the long poll waited: then the receive is refused, as it would be.
      if (!(await this.ports.mayPoll())) {
        for (const received of batch) this.queue.unreceive(received.receiptHandle);
        await pause(REFUSED_PAUSE_MS, signal);
        continue;
      }
      try {
        await this.process(batch);
      } catch (error) {
        if (error instanceof FunctionStoppedError) return;
        // The batch stays in flight and comes back after its visibility timeout, as after any failure.
        this.ports.onError(error);
      }
    }
  }

  private async collectBatch(signal: AbortSignal): Promise<ReceivedMessage[]> {
    const { batchSize, maximumBatchingWindowSeconds } = this.settings;
    const batch = await this.queue.receive({
      maxMessages: Math.min(10, batchSize),
      waitTimeSeconds: LONG_POLL_SECONDS,
      signal,
    });
    if (batch.length === 0) return batch;
    const windowEnds = Date.now() + maximumBatchingWindowSeconds * 1000;
    while (batch.length < batchSize && !signal.aborted) {
      const remainingSeconds = (windowEnds - Date.now()) / 1000;
      const more =
        remainingSeconds > 0
          ? await this.queue.receive({
              maxMessages: Math.min(10, batchSize - batch.length),
              waitTimeSeconds: remainingSeconds,
              signal,
            })
          : this.queue.receiveNow(Math.min(10, batchSize - batch.length));
      if (more.length === 0 && remainingSeconds <= 0) break;
      batch.push(...more);
    }
    return batch;
  }

  /** A throttled or failed invocation leaves the whole batch to come back after its visibility timeout. */
  private async process(batch: readonly ReceivedMessage[]): Promise<void> {
    const result = await this.fn.invoke(
      { Records: batch.map((received) => sqsRecordOf(this.queue, received)) },
      'sqs',
    );
    if (!result.ok) return;
    const failed = this.settings.reportBatchItemFailures
      ? failedIdsOf(result.value, batch)
      : new Set<string>();
    if (failed === undefined) return;
    for (const received of batch) {
      if (!failed.has(received.message.messageId)) this.queue.delete(received.receiptHandle);
    }
  }
}

const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
