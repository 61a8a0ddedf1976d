import { randomBytes, randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT } from '../local-account.ts';
import { type MessageAttributeValue, md5Hex, md5OfMessageAttributes } from './message-digest.ts';
import { invalidParameter, SqsError } from './sqs-error.ts';

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

/** A queue's attributes, with SQS's defaults. */
export interface QueueSettings {
  readonly visibilityTimeoutSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly delaySeconds: number;
  readonly receiveMessageWaitTimeSeconds: number;
  readonly maximumMessageSize: number;
  readonly redrivePolicy?: RedrivePolicy;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  visibilityTimeoutSeconds: 30,
  messageRetentionSeconds: 345_600,
  delaySeconds: 0,
  receiveMessageWaitTimeSeconds: 0,
  maximumMessageSize: 1_048_576,
};

export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

export interface SendInput {
  readonly body: string;
  readonly delaySeconds?: number;
  readonly messageAttributes?: Readonly<Record<string, MessageAttributeValue>>;
  readonly messageSystemAttributes?: Readonly<Record<string, MessageAttributeValue>>;
}

export interface SentMessage {
  readonly messageId: string;
  readonly md5OfBody: string;
  readonly md5OfMessageAttributes?: string;
}

/** A message as stored: everything SQS keeps about it between receives. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly md5OfMessageAttributes?: string;
  readonly awsTraceHeader?: string;
  readonly sentAt: number;
  readonly senderId: string;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The handle of the latest receive; older handles no longer act on the message. */
  receiptHandle?: string;
}

/** A received message: the stored message plus the receipt handle of this receive. */
export interface ReceivedMessage {
  readonly message: StoredMessage;
  readonly receiptHandle: string;
}

export interface ReceiveOptions {
  readonly maxMessages: number;
  readonly visibilityTimeoutSeconds?: number;
  readonly waitTimeSeconds?: number;
  readonly signal?: AbortSignal;
}

export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/** Finds a queue by ARN, for redrive to the dead-letter queue. */
export type QueueLookup = (arn: string) => LocalQueue | undefined;

const SENDER_ID = `AIDA${LOCAL_ACCOUNT}LOCAL`;
// SQS accepts #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
const INVALID_BODY_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const encodeHandle = (messageId: string, receiveCount: number): string =>
  Buffer.from(`${messageId}|${receiveCount}|${randomBytes(12).toString('hex')}`).toString('base64url');

const decodeHandle = (handle: string): { messageId: string; receiveCount: number } => {
  const [messageId, receiveCount, nonce] = Buffer.from(handle, 'base64url').toString('utf8').split('|');
  if (!messageId || !receiveCount || !nonce || !/^\d+$/.test(receiveCount)) {
    throw new SqsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    );
  }
  return { messageId, receiveCount: Number(receiveCount) };
};

const attributesSize = (attributes: Readonly<Record<string, MessageAttributeValue>>): number =>
  Object.entries(attributes).reduce(
    (size, [name, value]) =>
      size +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType) +
      (value.BinaryValue !== undefined
        ? Buffer.from(value.BinaryValue, 'base64').length
        : Buffer.byteLength(value.StringValue ?? '')),
    0,
  );

const validateAttributes = (attributes: Readonly<Record<string, MessageAttributeValue>>): void => {
  const names = Object.keys(attributes);
  if (names.length > 10)
    throw invalidParameter(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [10].`,
    );
  for (const name of names) {
    const value = attributes[name]!;
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith('AWS.') || name.startsWith('Amazon.')) {
      throw invalidParameter(`Message attribute name '${name}' is invalid.`);
    }
    if (!/^(String|Number|Binary)(\..+)?$/.test(value.DataType ?? '')) {
      throw invalidParameter(`The type of message (user) attribute '${name}' is invalid.`);
    }
    const hasValue = value.DataType.startsWith('Binary')
      ? value.BinaryValue !== undefined
      : value.StringValue !== undefined;
    if (!hasValue) throw invalidParameter(`The message attribute '${name}' must contain a non-empty value.`);
    if (value.DataType.startsWith('Number') && !Number.isFinite(Number(value.StringValue))) {
      throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    }
  }
};

/**
 * One standard SQS queue in memory: delays, visibility timeouts, receipt handles, receive counts, retention
 * and redrive to a dead-letter queue after maxReceiveCount receives (the message is moved when it would be
 * received once more, as SQS does).
 */
export class LocalQueue {
  readonly createdAt: number;
  private readonly messages = new Map<string, StoredMessage>();
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly url: string,
    readonly arn: string,
    readonly settings: QueueSettings,
    private readonly findQueue: QueueLookup = () => undefined,
    private readonly clock: () => number = Date.now,
  ) {
    this.createdAt = clock();
  }

  send(input: SendInput): SentMessage {
    const attributes = input.messageAttributes ?? {};
    if (input.body.length === 0)
      throw invalidParameter('The request must contain the parameter MessageBody.');
    if (INVALID_BODY_CHARACTER.test(input.body)) {
      throw new SqsError(
        'InvalidMessageContents',
        'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      );
    }
    validateAttributes(attributes);
    const size = Buffer.byteLength(input.body) + attributesSize(attributes);
    if (size > this.settings.maximumMessageSize) {
      throw invalidParameter(
        `One or more parameters are invalid. Reason: Message must be shorter than ${this.settings.maximumMessageSize} bytes.`,
      );
    }
    const delaySeconds = input.delaySeconds ?? this.settings.delaySeconds;
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) {
      throw invalidParameter(
        `Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.`,
      );
    }
    const now = this.clock();
    const md5OfAttributes = md5OfMessageAttributes(attributes);
    const trace = input.messageSystemAttributes?.AWSTraceHeader?.StringValue;
    const message: StoredMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody: md5Hex(input.body),
      messageAttributes: attributes,
      ...(md5OfAttributes ? { md5OfMessageAttributes: md5OfAttributes } : {}),
      ...(trace ? { awsTraceHeader: trace } : {}),
      sentAt: now,
      senderId: SENDER_ID,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
    };
    this.messages.set(message.messageId, message);
    this.wake();
    return {
      messageId: message.messageId,
      md5OfBody: message.md5OfBody,
      ...(md5OfAttributes ? { md5OfMessageAttributes: md5OfAttributes } : {}),
    };
  }

  /** Takes in a message moved from another queue by redrive: same id, body, attributes and sent time. */
  adopt(message: StoredMessage): void {
    const { receiptHandle: _, firstReceivedAt: __, ...kept } = message;
    this.messages.set(message.messageId, { ...kept, visibleAt: this.clock(), receiveCount: 0 });
    this.wake();
  }

  /** Receives what is visible now, without waiting. */
  receiveNow(
    maxMessages: number,
    visibilityTimeoutSeconds = this.settings.visibilityTimeoutSeconds,
  ): ReceivedMessage[] {
    this.expire();
    const now = this.clock();
    const received: ReceivedMessage[] = [];
    for (const message of this.messages.values()) {
      if (received.length >= maxMessages) break;
      if (message.visibleAt > now) continue;
      const redrive = this.settings.redrivePolicy;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        const deadLetterQueue = this.findQueue(redrive.deadLetterTargetArn);
        if (deadLetterQueue) {
          this.messages.delete(message.messageId);
          deadLetterQueue.adopt(message);
          continue;
        }
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilityTimeoutSeconds * 1000;
      message.receiptHandle = encodeHandle(message.messageId, message.receiveCount);
      received.push({ message, receiptHandle: message.receiptHandle });
    }
    // In-flight messages go to the back, so the next receive finds visible ones first.
    for (const { message } of received) {
      this.messages.delete(message.messageId);
      this.messages.set(message.messageId, message);
    }
    return received;
  }

  /** Receives with long polling: waits up to waitTimeSeconds for a message to become visible. */
  async receive(options: ReceiveOptions): Promise<ReceivedMessage[]> {
    const waitSeconds = options.waitTimeSeconds ?? this.settings.receiveMessageWaitTimeSeconds;
    const deadline = this.clock() + waitSeconds * 1000;
    for (;;) {
      const received = this.receiveNow(options.maxMessages, options.visibilityTimeoutSeconds);
      const now = this.clock();
      if (received.length > 0 || now >= deadline || options.signal?.aborted) return received;
      await this.changeOrTimeout(Math.min(deadline, this.nextVisibleAt() ?? deadline) - now, options.signal);
    }
  }

  /**
   * Undoes a receive as if it never happened (same receive count, visible again): for messages a long poll picked
   * up for a caller whose ReceiveMessage IAM refuses by the time they are handed over.
   */
  unreceive(receiptHandle: string): void {
    const { messageId, receiveCount } = decodeHandle(receiptHandle);
    const message = this.messages.get(messageId);
    if (!message || message.receiptHandle !== receiptHandle || message.receiveCount !== receiveCount) return;
    message.receiveCount -= 1;
    if (message.receiveCount === 0) message.firstReceivedAt = undefined;
    message.receiptHandle = undefined;
    message.visibleAt = this.clock();
    this.wake();
  }

  delete(receiptHandle: string): void {
    const { messageId, receiveCount } = decodeHandle(receiptHandle);
    const message = this.messages.get(messageId);
    // A stale handle (the message was received again since) succeeds without deleting, as SQS documents.
    if (message && message.receiveCount === receiveCount && message.receiptHandle === receiptHandle) {
      this.messages.delete(messageId);
    }
  }

  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): void {
    if (
      !Number.isInteger(visibilityTimeoutSeconds) ||
      visibilityTimeoutSeconds < 0 ||
      visibilityTimeoutSeconds > MAX_VISIBILITY_TIMEOUT_SECONDS
    ) {
      throw invalidParameter(
        `Value ${visibilityTimeoutSeconds} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`,
      );
    }
    const { messageId } = decodeHandle(receiptHandle);
    const message = this.messages.get(messageId);
    const now = this.clock();
    if (!message || message.receiptHandle !== receiptHandle) {
      throw invalidParameter(
        `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    if (message.visibleAt <= now)
      throw new SqsError('MessageNotInflight', 'The message referred to is not in flight.');
    message.visibleAt = now + visibilityTimeoutSeconds * 1000;
    this.wake();
  }

  purge(): void {
    this.messages.clear();
  }

  counts(): QueueCounts {
    this.expire();
    const now = this.clock();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages.values()) {
      if (message.visibleAt <= now) visible++;
      else if (message.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  /** Every message, without receiving it (the local console and the DLQ listing). */
  peek(): readonly StoredMessage[] {
    this.expire();
    return [...this.messages.values()];
  }

  /**
   * Restores messages saved by a previous run (REELHIRE_DATA_DIR): same ids, bodies, attributes and receive
   * counts; whatever was in flight is visible again, as after its visibility timeout.
   */
  restore(messages: readonly StoredMessage[]): void {
    const now = this.clock();
    for (const message of messages) {
      const { receiptHandle: _, ...kept } = message;
      this.messages.set(message.messageId, { ...kept, visibleAt: Math.min(message.visibleAt, now) });
    }
    this.wake();
  }

  /** Wakes long polls so they see a change (a stop, or a message made visible from outside). */
  wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  private nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const message of this.messages.values()) {
      if (next === undefined || message.visibleAt < next) next = message.visibleAt;
    }
    return next;
  }

  private expire(): void {
    const oldest = this.clock() - this.settings.messageRetentionSeconds * 1000;
    for (const message of this.messages.values()) {
      if (message.sentAt < oldest) this.messages.delete(message.messageId);
    }
  }

  private changeOrTimeout(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }
}
