import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalQueue } from '../../local/sqs/local-queue.ts';
import { md5OfMessageAttributes } from '../../local/sqs/message-digest.ts';
import { type AwsEndpoints, startAwsEndpoints } from '../support/aws-endpoints.ts';

describe('the local SQS endpoint, through @aws-sdk/client-sqs', () => {
  let endpoints: AwsEndpoints;
  let deadLetters: LocalQueue;
  let queueCounter = 0;
  /** A fresh queue per test, redriving to the shared dead-letter queue after two receives. */
  const newQueue = (visibilityTimeoutSeconds = 30) =>
    endpoints.queues.create(`work-${++queueCounter}`, {
      visibilityTimeoutSeconds,
      redrivePolicy: { deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 },
    });

  beforeAll(async () => {
    endpoints = await startAwsEndpoints();
    deadLetters = endpoints.queues.create('dead-letters');
  });
  afterAll(async () => {
    await endpoints.close();
  });

  it('sends, receives with attributes and deletes a message', async () => {
    const queue = newQueue();
    const sent = await endpoints.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: 'schema' },
          attempts: { DataType: 'Number', StringValue: '3' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    expect(sent.MessageId).toBeTruthy();
    const received = await endpoints.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    const [message] = received.Messages ?? [];
    expect(message?.Body).toBe('{"hello":"world"}');
    expect(message?.Attributes).toEqual({
      ApproximateReceiveCount: '1',
      SentTimestamp: expect.stringMatching(/^\d+$/),
    });
    expect(message?.MessageAttributes?.reason?.StringValue).toBe('schema');
    expect(message?.MessageAttributes?.blob?.BinaryValue).toEqual(new Uint8Array([1, 2, 3]));
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);

    await endpoints.sqs.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: message!.ReceiptHandle }),
    );
    expect(queue.peek()).toHaveLength(0);
  });

  it('computes MD5OfMessageAttributes over the encoding SQS documents', () => {
    // Name, data type, transport byte (1 = string) and value, each length-prefixed (4 bytes, big-endian).
    const prefixed = (text: string) =>
      Buffer.concat([Buffer.from([0, 0, 0, Buffer.byteLength(text)]), Buffer.from(text)]);
    const encoded = Buffer.concat([
      prefixed('reason'),
      prefixed('String'),
      Buffer.from([1]),
      prefixed('schema'),
    ]);
    expect(md5OfMessageAttributes({ reason: { DataType: 'String', StringValue: 'schema' } })).toBe(
      createHash('md5').update(encoded).digest('hex'),
    );
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });

  it('answers a batch send and delete entry by entry', async () => {
    const queue = newQueue();
    const sent = await endpoints.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'a', MessageBody: 'first' },
          { Id: 'b', MessageBody: 'second', DelaySeconds: 901 },
          { Id: 'c', MessageBody: 'third' },
        ],
      }),
    );
    expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['a', 'c']);
    expect(sent.Failed).toEqual([
      expect.objectContaining({ Id: 'b', Code: 'InvalidParameterValue', SenderFault: true }),
    ]);

    const received = await endpoints.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }),
    );
    const deleted = await endpoints.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          ...(received.Messages ?? []).map((message, index) => ({
            Id: `m${index}`,
            ReceiptHandle: message.ReceiptHandle,
          })),
          { Id: 'bad', ReceiptHandle: 'garbage' },
        ],
      }),
    );
    expect(deleted.Successful).toHaveLength(2);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid' })]);
    await expect(
      endpoints.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: Array.from({ length: 11 }, (_, index) => ({ Id: `e${index}`, MessageBody: 'x' })),
        }),
      ),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
  });

  it('lets a consumer push its message back with ChangeMessageVisibility (the notifier backoff)', async () => {
    const queue = newQueue();
    await endpoints.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'later' }));
    const first = await endpoints.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }));
    await endpoints.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue.url,
        ReceiptHandle: first.Messages![0]!.ReceiptHandle,
        VisibilityTimeout: 1,
      }),
    );
    const started = Date.now();
    const again = await endpoints.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        WaitTimeSeconds: 5,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('redrives to the dead-letter queue after maxReceiveCount receives', async () => {
    const queue = newQueue(0);
    await endpoints.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'poison' }));
    for (let receive = 0; receive < 2; receive++) {
      const received = await endpoints.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }));
      expect(received.Messages).toHaveLength(1);
    }
    const third = await endpoints.sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }));
    expect(third.Messages).toBeUndefined();
    expect(deadLetters.peek().map((message) => message.body)).toContain('poison');
    const sources = await endpoints.sqs.send(
      new ListDeadLetterSourceQueuesCommand({ QueueUrl: deadLetters.url }),
    );
    expect(sources.queueUrls).toContain(queue.url);
  });

  it('finds queues by name, lists them and reports their attributes', async () => {
    const queue = newQueue(45);
    await endpoints.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'one' }));
    const { QueueUrl } = await endpoints.sqs.send(new GetQueueUrlCommand({ QueueName: queue.name }));
    expect(QueueUrl).toBe(queue.url);
    const listed = await endpoints.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'work-' }));
    expect(listed.QueueUrls).toContain(queue.url);
    expect(listed.QueueUrls).not.toContain(deadLetters.url);
    const { Attributes } = await endpoints.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      QueueArn: queue.arn,
      VisibilityTimeout: '45',
      ApproximateNumberOfMessages: '1',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 }),
    });
    await endpoints.sqs.send(new PurgeQueueCommand({ QueueUrl: queue.url }));
    expect(queue.counts().visible).toBe(0);
  });

  it('raises QueueDoesNotExist for an unknown queue, as against AWS', async () => {
    await expect(endpoints.sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' }))).rejects.toBeInstanceOf(
      QueueDoesNotExist,
    );
    await expect(
      endpoints.sqs.send(
        new SendMessageCommand({ QueueUrl: `${endpoints.url}/000000000000/missing`, MessageBody: 'x' }),
      ),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('long-polls until a message arrives', async () => {
    const queue = newQueue();
    const receiving = endpoints.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 20 }),
    );
    await endpoints.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'awaited' }));
    const received = await receiving;
    expect(received.Messages?.[0]?.Body).toBe('awaited');
  });
});
