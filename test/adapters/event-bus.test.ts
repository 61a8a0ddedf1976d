import { EventBridgeClient, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgePublisher, EventPublishError } from '#shared/aws/event-bus.ts';
import type { OutgoingEvent } from '#shared/event-publisher.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { localClientConfig } from '../../local/testing/local-clients.ts';
import { runAssembly } from '../support/run-assembly.ts';
import { synthesized } from '../support/synth.ts';

/**
 * The EventBridge adapter against the local bus's real PutEvents endpoint. A partial failure (FailedEntryCount)
 * is what no local server produces on demand, so it is injected by SDK middleware rewriting a real response.
 */
describe('EventBridgePublisher', () => {
  let stack: LocalStack;
  let busName: string;

  beforeAll(async () => {
    stack = await runAssembly(synthesized().outdir, { warm: false, env: { PATH: process.env.PATH } });
    busName = stack.busNames.find((name) => name !== 'default')!;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A client on the local endpoint that records each PutEvents call's entries and can fail some of them. */
  const recordingClient = (failFirstCall: (index: number) => boolean = () => false) => {
    const client = new EventBridgeClient(localClientConfig(stack.url));
    const calls: string[][] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const entries = (args.input as { Entries: { Detail: string }[] }).Entries;
        calls.push(entries.map((entry) => (JSON.parse(entry.Detail) as { n: string }).n));
        const result = await next(args);
        if (calls.length === 1) {
          const output = result.output as PutEventsCommandOutput;
          const failed = (output.Entries ?? []).map((entry, index) =>
            failFirstCall(index) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'injected' } : entry,
          );
          output.Entries = failed;
          output.FailedEntryCount = failed.filter((entry) => entry.ErrorCode).length;
        }
        return result;
      },
      { step: 'initialize', name: 'recordPutEvents' },
    );
    return { client, calls };
  };

  const events = (count: number, tag: string): OutgoingEvent[] =>
    Array.from({ length: count }, (_, index) => ({
      origin: 'links',
      detailType: 'Bus Adapter Probe',
      detail: { n: `${tag}-${index}` },
    }));

  const delivered = (tag: string) =>
    stack.activity
      .busEvents()
      .map((record) => (record.event.detail as { n?: string }).n)
      .filter((n) => n?.startsWith(`${tag}-`));

  it('publishes in calls of at most 10 entries', async () => {
    const { client, calls } = recordingClient();
    await new EventBridgePublisher(client, busName).publish(events(25, 'batches'));
    expect(calls.map((call) => call.length)).toEqual([10, 10, 5]);
    expect(new Set(delivered('batches')).size).toBe(25);
  });

  it('resends exactly the entries the bus did not accept', async () => {
    const { client, calls } = recordingClient((index) => index === 2 || index === 7);
    await new EventBridgePublisher(client, busName).publish(events(10, 'partial'));
    expect(calls[1]).toEqual(['partial-2', 'partial-7']);
  });

  it('throws, naming the error, when entries keep failing', async () => {
    const { client } = recordingClient();
    const publisher = new EventBridgePublisher(client, 'no-such-bus');
    await expect(publisher.publish(events(3, 'missing'))).rejects.toThrow(EventPublishError);
  });
});
