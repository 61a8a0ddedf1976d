import { isJsonObject, type JsonObject } from '#shared/json.ts';
import { numberField, stringField } from '../json.ts';
import type { LocalQueue, ReceivedMessage } from './local-queue.ts';
import type { MessageAttributeValue } from './message-digest.ts';
import type { QueueRegistry } from './queue-registry.ts';
import { invalidParameter, queueDoesNotExist, SqsError } from './sqs-error.ts';

/**
 * The SQS actions of the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Action>`) that @aws-sdk/client-sqs
 * v3 sends: what the handlers use (dead-lettering with a reason, the notifier's backoff) and what the CLI's
 * `dlq list` / `dlq redrive` use.
 */
export type SqsAction = (
  registry: QueueRegistry,
  input: JsonObject,
  signal: AbortSignal,
) => Promise<JsonObject> | JsonObject;

const MAX_BATCH_ENTRIES = 10;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

const queueOf = (registry: QueueRegistry, input: JsonObject): LocalQueue => {
  const url = stringField(input, 'QueueUrl');
  if (!url) throw new SqsError('MissingParameter', 'The request must contain the parameter QueueUrl.');
  const queue = registry.byUrl(url);
  if (!queue) throw queueDoesNotExist();
  return queue;
};

const attributesOf = (value: unknown): Record<string, MessageAttributeValue> => {
  if (value === undefined) return {};
  if (!isJsonObject(value)) throw invalidParameter('MessageAttributes must be a map.');
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, attribute] of Object.entries(value)) {
    if (!isJsonObject(attribute)) throw invalidParameter(`The message attribute '${name}' is invalid.`);
    const dataType = stringField(attribute, 'DataType') ?? '';
    const stringValue = stringField(attribute, 'StringValue');
    const binaryValue = stringField(attribute, 'BinaryValue');
    attributes[name] = {
      DataType: dataType,
      ...(stringValue !== undefined ? { StringValue: stringValue } : {}),
      ...(binaryValue !== undefined ? { BinaryValue: binaryValue } : {}),
    };
  }
  return attributes;
};

const integerIn = (input: JsonObject, name: string, min: number, max: number): number | undefined => {
  const value = numberField(input, name);
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(
      `Value ${value} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}.`,
    );
  }
  return value;
};

const names = (input: JsonObject, field: string): string[] => {
  const value = input[field];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
};

const wantsAttribute = (wanted: readonly string[], name: string): boolean =>
  wanted.some(
    (pattern) =>
      pattern === 'All' ||
      pattern === '.*' ||
      pattern === name ||
      (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
  );

const systemAttributesOf = (received: ReceivedMessage): Record<string, string> => {
  const { message } = received;
  return {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    ...(message.awsTraceHeader ? { AWSTraceHeader: message.awsTraceHeader } : {}),
  };
};

const wireMessage = (
  received: ReceivedMessage,
  systemNames: readonly string[],
  attributeNames: readonly string[],
) => {
  const { message } = received;
  const system = Object.entries(systemAttributesOf(received)).filter(([name]) =>
    wantsAttribute(systemNames, name),
  );
  const user = Object.entries(message.messageAttributes).filter(([name]) =>
    wantsAttribute(attributeNames, name),
  );
  return {
    MessageId: message.messageId,
    ReceiptHandle: received.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(system.length > 0 ? { Attributes: Object.fromEntries(system) } : {}),
    ...(user.length > 0
      ? {
          MessageAttributes: Object.fromEntries(user),
          MD5OfMessageAttributes: message.md5OfMessageAttributes,
        }
      : {}),
  };
};

/** Validates a batch's entries as SQS does before looking at any of them. */
const batchEntries = (input: JsonObject, maxBytes?: number): JsonObject[] => {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new SqsError(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const ids = new Set<string>();
  let totalBytes = 0;
  for (const entry of entries) {
    const id = isJsonObject(entry) ? stringField(entry, 'Id') : undefined;
    if (!id || !BATCH_ENTRY_ID.test(id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (ids.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    ids.add(id);
    totalBytes += Buffer.byteLength(stringField(entry as JsonObject, 'MessageBody') ?? '');
  }
  if (maxBytes !== undefined && totalBytes > maxBytes) {
    throw new SqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${maxBytes} bytes.`);
  }
  return entries as JsonObject[];
};

/** Runs one entry of a batch; its error becomes a Failed entry instead of failing the call. */
const eachEntry = (entries: JsonObject[], run: (entry: JsonObject) => JsonObject) => {
  const Successful: JsonObject[] = [];
  const Failed: JsonObject[] = [];
  for (const entry of entries) {
    const Id = stringField(entry, 'Id')!;
    try {
      Successful.push({ Id, ...run(entry) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({ Id, SenderFault: error.status < 500, Code: error.code, Message: error.message });
    }
  }
  return { Successful, Failed };
};

const sendOne = (queue: LocalQueue, entry: JsonObject): JsonObject => {
  const body = stringField(entry, 'MessageBody');
  if (body === undefined)
    throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
  const delaySeconds = integerIn(entry, 'DelaySeconds', 0, 900);
  const sent = queue.send({
    body,
    ...(delaySeconds !== undefined ? { delaySeconds } : {}),
    messageAttributes: attributesOf(entry.MessageAttributes),
    messageSystemAttributes: attributesOf(entry.MessageSystemAttributes),
  });
  return {
    MessageId: sent.messageId,
    MD5OfMessageBody: sent.md5OfBody,
    ...(sent.md5OfMessageAttributes ? { MD5OfMessageAttributes: sent.md5OfMessageAttributes } : {}),
  };
};

const queueAttributes = (registry: QueueRegistry, queue: LocalQueue): Record<string, string> => {
  const counts = queue.counts();
  const { settings } = queue;
  return {
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.createdAt / 1000)),
    VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
    MaximumMessageSize: String(settings.maximumMessageSize),
    MessageRetentionPeriod: String(settings.messageRetentionSeconds),
    DelaySeconds: String(settings.delaySeconds),
    ReceiveMessageWaitTimeSeconds: String(settings.receiveMessageWaitTimeSeconds),
    SqsManagedSseEnabled: 'false',
    ...(settings.redrivePolicy ? { RedrivePolicy: JSON.stringify(settings.redrivePolicy) } : {}),
    ...(registry.sourcesOf(queue).length > 0
      ? { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'allowAll' }) }
      : {}),
  };
};

export const SQS_ACTIONS: Readonly<Record<string, SqsAction>> = {
  SendMessage: (registry, input) => sendOne(queueOf(registry, input), input),

  SendMessageBatch: (registry, input) => {
    const queue = queueOf(registry, input);
    return eachEntry(batchEntries(input, queue.settings.maximumMessageSize), (entry) =>
      sendOne(queue, entry),
    );
  },

  ReceiveMessage: async (registry, input, signal) => {
    const queue = queueOf(registry, input);
    const maxMessages = integerIn(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibilityTimeoutSeconds = integerIn(input, 'VisibilityTimeout', 0, 43_200);
    const waitTimeSeconds = integerIn(input, 'WaitTimeSeconds', 0, 20);
    const received = await queue.receive({
      maxMessages,
      ...(visibilityTimeoutSeconds !== undefined ? { visibilityTimeoutSeconds } : {}),
      ...(waitTimeSeconds !== undefined ? { waitTimeSeconds } : {}),
      signal,
    });
    const systemNames = [...names(input, 'AttributeNames'), ...names(input, 'MessageSystemAttributeNames')];
    const attributeNames = names(input, 'MessageAttributeNames');
    return received.length === 0
      ? {}
      : { Messages: received.map((message) => wireMessage(message, systemNames, attributeNames)) };
  },

  DeleteMessage: (registry, input) => {
    queueOf(registry, input).delete(requiredHandle(input));
    return {};
  },

  DeleteMessageBatch: (registry, input) => {
    const queue = queueOf(registry, input);
    return eachEntry(batchEntries(input), (entry) => {
      queue.delete(requiredHandle(entry));
      return {};
    });
  },

  ChangeMessageVisibility: (registry, input) => {
    const queue = queueOf(registry, input);
    queue.changeVisibility(requiredHandle(input), requiredTimeout(input));
    return {};
  },

  ChangeMessageVisibilityBatch: (registry, input) => {
    const queue = queueOf(registry, input);
    return eachEntry(batchEntries(input), (entry) => {
      queue.changeVisibility(requiredHandle(entry), requiredTimeout(entry));
      return {};
    });
  },

  GetQueueUrl: (registry, input) => {
    const queue = registry.byName(stringField(input, 'QueueName') ?? '');
    if (!queue) throw queueDoesNotExist();
    return { QueueUrl: queue.url };
  },

  ListQueues: (registry, input) => {
    const prefix = stringField(input, 'QueueNamePrefix') ?? '';
    const maxResults = integerIn(input, 'MaxResults', 1, 1000) ?? 1000;
    const start = Number(stringField(input, 'NextToken') ?? '0') || 0;
    const matching = registry.all().filter((queue) => queue.name.startsWith(prefix));
    const page = matching.slice(start, start + maxResults);
    return {
      QueueUrls: page.map((queue) => queue.url),
      ...(start + maxResults < matching.length ? { NextToken: String(start + maxResults) } : {}),
    };
  },

  GetQueueAttributes: (registry, input) => {
    const queue = queueOf(registry, input);
    const wanted = names(input, 'AttributeNames');
    const all = queueAttributes(registry, queue);
    return {
      Attributes: Object.fromEntries(
        Object.entries(all).filter(([name]) => wanted.includes('All') || wanted.includes(name)),
      ),
    };
  },

  PurgeQueue: (registry, input) => {
    queueOf(registry, input).purge();
    return {};
  },

  ListDeadLetterSourceQueues: (registry, input) => ({
    queueUrls: registry.sourcesOf(queueOf(registry, input)).map((queue) => queue.url),
  }),
};

function requiredHandle(input: JsonObject): string {
  const handle = stringField(input, 'ReceiptHandle');
  if (!handle)
    throw new SqsError('MissingParameter', 'The request must contain the parameter ReceiptHandle.');
  return handle;
}

function requiredTimeout(input: JsonObject): number {
  const timeout = numberField(input, 'VisibilityTimeout');
  if (timeout === undefined)
    throw new SqsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
  return timeout;
}
