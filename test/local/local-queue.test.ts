import { describe, expect, it, vi } from 'vitest';
import { QueueRegistry } from '../../local/sqs/queue-registry.ts';
import { SqsError } from '../../local/sqs/sqs-error.ts';

/** A registry on a clock the test moves, so visibility and retention are checked without waiting. */
const queuesWithClock = () => {
  let now = 1_700_000_000_000;
  const registry = new QueueRegistry('http://127.0.0.1:3000', () => now);
  return { registry, advance: (seconds: number) => (now += seconds * 1000) };
};

describe('local SQS queue', () => {
  it('hides a received message for the visibility timeout, then delivers it again with a higher receive count', () => {
    const { registry, advance } = queuesWithClock();
    const queue = registry.create('work', { visibilityTimeoutSeconds: 30 });
    queue.send({ body: 'hello' });

    const [first] = queue.receiveNow(10);
    expect(first?.message.receiveCount).toBe(1);
    expect(queue.receiveNow(10)).toHaveLength(0);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });

    advance(29);
    expect(queue.receiveNow(10)).toHaveLength(0);
    advance(1);
    const [second] = queue.receiveNow(10);
    expect(second?.message.messageId).toBe(first?.message.messageId);
    expect(second?.message.receiveCount).toBe(2);
    expect(second?.receiptHandle).not.toBe(first?.receiptHandle);
  });

  it('deletes only with the latest receipt handle; a stale one succeeds without deleting', () => {
    const { registry, advance } = queuesWithClock();
    const queue = registry.create('work', { visibilityTimeoutSeconds: 1 });
    queue.send({ body: 'hello' });
    const [first] = queue.receiveNow(1);
    advance(1);
    const [second] = queue.receiveNow(1);

    queue.delete(first!.receiptHandle);
    expect(queue.peek()).toHaveLength(1);
    queue.delete(second!.receiptHandle);
    expect(queue.peek()).toHaveLength(0);
    expect(() => queue.delete('not-a-handle')).toThrow(
      expect.objectContaining({ code: 'ReceiptHandleIsInvalid' }),
    );
  });

  it('moves a message to the dead-letter queue when it would be received more than maxReceiveCount times', () => {
    const { registry, advance } = queuesWithClock();
    const deadLetters = registry.create('dlq');
    const queue = registry.create('work', {
      visibilityTimeoutSeconds: 10,
      redrivePolicy: { deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 3 },
    });
    const sent = queue.send({
      body: 'poison',
      messageAttributes: { reason: { DataType: 'String', StringValue: 'test' } },
    });
    for (let receive = 1; receive <= 3; receive++) {
      expect(queue.receiveNow(1)[0]?.message.receiveCount).toBe(receive);
      advance(10);
    }
    expect(queue.receiveNow(1)).toHaveLength(0);
    expect(queue.peek()).toHaveLength(0);
    const [moved] = deadLetters.receiveNow(1);
    expect(moved?.message).toMatchObject({
      messageId: sent.messageId,
      body: 'poison',
      messageAttributes: { reason: { DataType: 'String', StringValue: 'test' } },
    });
  });

  it('changes the visibility of an in-flight message, and refuses one that is not in flight', () => {
    const { registry, advance } = queuesWithClock();
    const queue = registry.create('work', { visibilityTimeoutSeconds: 30 });
    queue.send({ body: 'retry me' });
    const [received] = queue.receiveNow(1);

    queue.changeVisibility(received!.receiptHandle, 5);
    advance(5);
    const [again] = queue.receiveNow(1);
    expect(again?.message.receiveCount).toBe(2);

    queue.changeVisibility(again!.receiptHandle, 0);
    expect(() => queue.changeVisibility(again!.receiptHandle, 10)).toThrow(
      expect.objectContaining({ code: 'MessageNotInflight' }),
    );
    expect(() => queue.changeVisibility(again!.receiptHandle, 43_201)).toThrow(SqsError);
  });

  it('delays a message by the queue default or the message DelaySeconds', () => {
    const { registry, advance } = queuesWithClock();
    const queue = registry.create('work', { delaySeconds: 5 });
    queue.send({ body: 'queue delay' });
    queue.send({ body: 'no delay', delaySeconds: 0 });
    expect(queue.receiveNow(10).map((received) => received.message.body)).toEqual(['no delay']);
    expect(queue.counts().delayed).toBe(1);
    advance(5);
    expect(queue.receiveNow(10).map((received) => received.message.body)).toEqual(['queue delay']);
  });

  it('drops messages older than the retention period', () => {
    const { registry, advance } = queuesWithClock();
    const queue = registry.create('work', { messageRetentionSeconds: 60 });
    queue.send({ body: 'old' });
    advance(61);
    expect(queue.receiveNow(10)).toHaveLength(0);
    expect(queue.peek()).toHaveLength(0);
  });

  it('validates bodies and attributes as SQS does', () => {
    const { registry } = queuesWithClock();
    const queue = registry.create('work', { maximumMessageSize: 1024 });
    expect(() => queue.send({ body: '' })).toThrow(
      expect.objectContaining({ code: 'InvalidParameterValue' }),
    );
    expect(() => queue.send({ body: 'x'.repeat(1025) })).toThrow(
      expect.objectContaining({ code: 'InvalidParameterValue' }),
    );
    expect(() => queue.send({ body: 'bad \u0000 char' })).toThrow(
      expect.objectContaining({ code: 'InvalidMessageContents' }),
    );
    expect(() =>
      queue.send({ body: 'x', messageAttributes: { count: { DataType: 'Number', StringValue: 'many' } } }),
    ).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });

  it('wakes a long poll as soon as a message arrives', async () => {
    // With the clock stopped, the poll's 20 s can never run out: only the arriving message can end it.
    vi.useFakeTimers();
    try {
      const queue = new QueueRegistry('http://127.0.0.1:3000').create('work');
      let received: string[] | undefined;
      const receiving = queue.receive({ maxMessages: 1, waitTimeSeconds: 20 }).then((messages) => {
        received = messages.map((message) => message.message.body);
      });
      queue.send({ body: 'now' });
      await vi.advanceTimersByTimeAsync(0);
      expect(received).toEqual(['now']);
      await receiving;
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends a long poll when its signal aborts', async () => {
    const queue = new QueueRegistry('http://127.0.0.1:3000').create('work');
    const abort = new AbortController();
    const receiving = queue.receive({ maxMessages: 1, waitTimeSeconds: 20, signal: abort.signal });
    abort.abort();
    await expect(receiving).resolves.toEqual([]);
  });

  it('restores saved messages as visible, keeping ids and receive counts', () => {
    const { registry } = queuesWithClock();
    const queue = registry.create('work', { visibilityTimeoutSeconds: 300 });
    queue.send({ body: 'kept' });
    queue.receiveNow(1);
    const saved = JSON.parse(JSON.stringify(queue.peek()));

    const restored = queuesWithClock().registry.create('work');
    restored.restore(saved);
    const [received] = restored.receiveNow(1);
    expect(received?.message).toMatchObject({ body: 'kept', receiveCount: 2, messageId: saved[0].messageId });
  });
});
