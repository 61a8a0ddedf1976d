import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DEFAULT_BUS_FORWARD, logicalIds, stackIdOf } from '../lib/names.ts';
import { EVENT_ROUTES, SCHEDULES } from '../lib/routing.ts';

/**
 * The stack's dead-letter queues through the SQS API, the same against `npm start` and a deployed stack:
 * found by name in the stateful stack (one per event route and schedule, see lib/routing.ts), read without
 * losing anything (received, then made visible again), and redriven to the queue each message came from.
 */

export interface DeadLetterQueue {
  /** The route or schedule it serves (`VideoEvents`…), when its name says. */
  readonly route: string | undefined;
  readonly name: string;
  readonly url: string;
}

export interface DeadLetter {
  readonly messageId: string;
  /** Why it is here: the handler's `reason`, or what EventBridge or Lambda recorded. */
  readonly reason: string | undefined;
  readonly sourceQueueArn: string | undefined;
  readonly sentAt: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: string;
}

const ROUTE_IDS = [
  ...EVENT_ROUTES.map((route) => route.id),
  ...SCHEDULES.map((schedule) => schedule.id),
  DEFAULT_BUS_FORWARD,
];

/** How long a message read by these commands stays hidden from others before it is given back. */
const HOLD_SECONDS = 60;

/** Attributes that say why and whence a message was dead-lettered; a redriven message starts afresh. */
const DEAD_LETTER_ATTRIBUTES = new Set([
  'reason',
  'errorType',
  'sourceQueueArn',
  'attempts',
  'RULE_ARN',
  'TARGET_ARN',
  'ERROR_CODE',
  'ERROR_MESSAGE',
  'RequestID',
  'ErrorCode',
  'ErrorMessage',
]);

const nameOfUrl = (url: string): string => url.split('/').at(-1) ?? url;

export const listDeadLetterQueues = async (sqs: SQSClient, stage: string): Promise<DeadLetterQueue[]> => {
  const prefix = `${stackIdOf(stage, 'stateful')}-`;
  const urls: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken: nextToken }),
    );
    urls.push(...(page.QueueUrls ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return urls
    .map((url) => {
      const name = nameOfUrl(url);
      const route = ROUTE_IDS.find((id) => name.startsWith(`${prefix}${logicalIds.deadLetterQueue(id)}`));
      return { route, name, url };
    })
    .filter((queue) => queue.route !== undefined || queue.name.includes('DeadLetterQueue'))
    .sort((a, b) => ROUTE_IDS.indexOf(a.route ?? '') - ROUTE_IDS.indexOf(b.route ?? ''));
};

/** `--queue`: a route id (`VideoEvents`), a queue name or its URL. */
export const selectQueues = (
  queues: readonly DeadLetterQueue[],
  wanted: string | undefined,
): DeadLetterQueue[] | undefined => {
  if (wanted === undefined) return [...queues];
  const match = queues.find(
    (queue) =>
      queue.route?.toLowerCase() === wanted.toLowerCase() || queue.name === wanted || queue.url === wanted,
  );
  return match ? [match] : undefined;
};

const stringAttributes = (message: Message): Record<string, string> =>
  Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).flatMap(([name, value]) =>
      value.StringValue !== undefined ? [[name, value.StringValue]] : [],
    ),
  );

const deadLetterOf = (message: Message): DeadLetter => {
  const attributes = stringAttributes(message);
  const sentAt = message.Attributes?.SentTimestamp;
  return {
    messageId: message.MessageId ?? '',
    reason:
      attributes.reason ??
      (attributes.ERROR_MESSAGE
        ? `${attributes.ERROR_CODE ?? 'error'}: ${attributes.ERROR_MESSAGE}`
        : undefined) ??
      attributes.ErrorMessage,
    sourceQueueArn: attributes.sourceQueueArn,
    sentAt: sentAt ? new Date(Number(sentAt)).toISOString() : undefined,
    attributes,
    body: message.Body ?? '',
  };
};

/**
 * Short polls answer at once but sample only some of SQS's servers, so in AWS an empty answer does not mean an
 * empty queue; a long poll asks them all. The local queue is one server: no wait needed there.
 */
export interface ReadOptions {
  readonly waitSeconds: number;
}

const receive = async (sqs: SQSClient, queueUrl: string, { waitSeconds }: ReadOptions): Promise<Message[]> =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: HOLD_SECONDS,
        WaitTimeSeconds: waitSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    )
  ).Messages ?? [];

/** Gives messages back at once (visibility 0), ten at a time. */
export const release = async (
  sqs: SQSClient,
  queueUrl: string,
  messages: readonly Message[],
): Promise<void> => {
  for (let start = 0; start < messages.length; start += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.slice(start, start + 10).map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
};

/**
 * Every message of a dead-letter queue, left in it: each is received (hidden a minute), then made visible
 * again. A message seen twice means the queue has been read through.
 */
export const readDeadLetters = async (
  sqs: SQSClient,
  queue: DeadLetterQueue,
  options: ReadOptions,
): Promise<DeadLetter[]> => {
  const held: Message[] = [];
  const seen = new Set<string>();
  try {
    for (;;) {
      const messages = await receive(sqs, queue.url, options);
      const fresh = messages.filter((message) => !seen.has(message.MessageId ?? ''));
      held.push(...messages);
      if (fresh.length === 0) break;
      for (const message of fresh) seen.add(message.MessageId ?? '');
    }
  } finally {
    await release(sqs, queue.url, held);
  }
  const unique = new Map(held.map((message) => [message.MessageId ?? '', message]));
  return [...unique.values()].map(deadLetterOf);
};

export interface RedriveResult {
  readonly queue: DeadLetterQueue;
  readonly moved: number;
  /** Messages with no known source queue (a schedule's failure records), left where they are. */
  readonly left: number;
  readonly failed: number;
  /** Where they went: queue name → count. */
  readonly targets: Readonly<Record<string, number>>;
}

const arnParts = (arn: string) => {
  const [, , , , account = '', name = ''] = arn.split(':');
  return { account, name };
};

const stripped = (message: Message): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).filter(([name]) => !DEAD_LETTER_ATTRIBUTES.has(name)),
  );

/**
 * Moves each message back to the queue it came from: its `sourceQueueArn` attribute, else the one queue whose
 * redrive policy names this DLQ. A message is deleted only after it was re-sent. Messages dead-lettered again
 * while this runs (sent after it started) are left for the next redrive, so a poison message cannot loop.
 */
export const redrive = async (
  sqs: SQSClient,
  queue: DeadLetterQueue,
  options: ReadOptions,
  progress: (moved: number) => void,
): Promise<RedriveResult> => {
  const startedAt = Date.now();
  const queueUrls = new Map<string, string | undefined>();
  const urlOfSource = async (arn: string): Promise<string | undefined> => {
    if (!queueUrls.has(arn)) {
      const { account, name } = arnParts(arn);
      const found = await sqs
        .send(
          new GetQueueUrlCommand({
            QueueName: name,
            ...(account ? { QueueOwnerAWSAccountId: account } : {}),
          }),
        )
        .then((answer) => answer.QueueUrl)
        .catch((error: unknown) => {
          if (error instanceof Error && /NonExistentQueue|QueueDoesNotExist/.test(error.name))
            return undefined;
          throw error;
        });
      queueUrls.set(arn, found);
    }
    return queueUrls.get(arn);
  };
  const defaultSources =
    (await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: queue.url }))).queueUrls ?? [];
  const defaultSource = defaultSources.length === 1 ? defaultSources[0] : undefined;

  const kept: Message[] = [];
  const seen = new Set<string>();
  const targets: Record<string, number> = {};
  let moved = 0;
  let left = 0;
  let failed = 0;
  try {
    for (;;) {
      const messages = await receive(sqs, queue.url, options);
      const fresh = messages.filter((message) => !seen.has(message.MessageId ?? ''));
      kept.push(...messages.filter((message) => seen.has(message.MessageId ?? '')));
      if (fresh.length === 0) break;
      const byTarget = new Map<string, Message[]>();
      for (const message of fresh) {
        seen.add(message.MessageId ?? '');
        const sentAt = Number(message.Attributes?.SentTimestamp ?? '0');
        const sourceArn = message.MessageAttributes?.sourceQueueArn?.StringValue;
        const target =
          sentAt >= startedAt ? undefined : sourceArn ? await urlOfSource(sourceArn) : defaultSource;
        if (target === undefined) {
          if (sentAt < startedAt) left += 1;
          kept.push(message);
          continue;
        }
        byTarget.set(target, [...(byTarget.get(target) ?? []), message]);
      }
      for (const [target, batch] of byTarget) {
        const sent = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: target,
            Entries: batch.map((message, index) => ({
              Id: String(index),
              MessageBody: message.Body ?? '',
              ...(Object.keys(stripped(message)).length > 0 ? { MessageAttributes: stripped(message) } : {}),
            })),
          }),
        );
        const resent = new Set((sent.Successful ?? []).map((entry) => Number(entry.Id)));
        const done = batch.filter((_, index) => resent.has(index));
        kept.push(...batch.filter((_, index) => !resent.has(index)));
        failed += batch.length - done.length;
        if (done.length > 0) {
          const deleted = await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queue.url,
              Entries: done.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle,
              })),
            }),
          );
          // Re-sent but not deleted: it will be redriven twice, which the handlers, being idempotent, absorb.
          failed += deleted.Failed?.length ?? 0;
          moved += done.length;
          targets[nameOfUrl(target)] = (targets[nameOfUrl(target)] ?? 0) + done.length;
          progress(moved);
        }
      }
    }
  } finally {
    await release(sqs, queue.url, kept);
  }
  return { queue, moved, left, failed, targets };
};
