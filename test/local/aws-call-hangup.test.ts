import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../local/testing/eventually.ts';
import { type AwsEndpoints, startAwsEndpoints } from '../support/aws-endpoints.ts';

// The abort signal the local HTTP server hands an AWS JSON call: a caller that hangs up ends its long poll at
// once; a call that was answered keeps its signal as it was (aborting it would only cost an AbortError a call).

describe('the signal of an AWS JSON call', () => {
  let endpoints: AwsEndpoints;
  /** Each call as the endpoint saw it: its operation, its signal, and whether it has answered. */
  const calls: { target: string; signal: AbortSignal; answered: boolean }[] = [];

  beforeAll(async () => {
    endpoints = await startAwsEndpoints({
      onCall: ({ target, signal, reply }) => {
        const call = { target, signal, answered: false };
        calls.push(call);
        void reply.then(() => {
          call.answered = true;
        });
      },
    });
  });
  afterAll(async () => {
    await endpoints.close();
  });

  it('aborts when the caller hangs up: its long poll ends long before its wait time', async () => {
    const queue = endpoints.queues.create('hang-up');
    const hangUp = new AbortController();
    const receiving = endpoints.sqs
      .send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 20 }), {
        abortSignal: hangUp.signal,
      })
      .catch((error: unknown) => error);
    const poll = await eventually(() => calls.find((call) => call.target === 'AmazonSQS.ReceiveMessage'), {
      timeoutMs: 10_000,
      what: 'the long poll to reach the endpoint',
    });
    hangUp.abort();
    expect(await receiving).toMatchObject({ name: 'AbortError' });
    await eventually(() => (poll.signal.aborted && poll.answered ? true : undefined), {
      timeoutMs: 10_000,
      what: 'the abandoned long poll to end',
    });
  });

  it('stays as it was once the call is answered', async () => {
    endpoints.queues.create('answered');
    await endpoints.sqs.send(new GetQueueUrlCommand({ QueueName: 'answered' }));
    const answered = calls.find((call) => call.target === 'AmazonSQS.GetQueueUrl');
    expect(answered?.answered).toBe(true);
    // The server closes an answered response before it serves the next call on the connection.
    await endpoints.sqs.send(new GetQueueUrlCommand({ QueueName: 'answered' }));
    expect(answered?.signal.aborted).toBe(false);
  });
});
