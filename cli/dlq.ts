import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { RemoteError, UsageError } from './cli-error.ts';
import {
  type DeadLetter,
  type DeadLetterQueue,
  listDeadLetterQueues,
  type ReadOptions,
  type RedriveResult,
  readDeadLetters,
  redrive,
  selectQueues,
} from './dead-letter-queues.ts';
import { columns, excerpt, note, print } from './output.ts';
import { awsClientConfig, jsonOption, regionOption, urlOption } from './target.ts';

/** `reelhire dlq list` and `reelhire dlq redrive`: the dead-letter queues, local or deployed. */

interface DlqOptions {
  readonly url: string;
  readonly region?: string;
  readonly stage: string;
  readonly queue?: string;
  readonly json?: boolean;
}

/** Long polls against AWS (see ReadOptions); the local stack answers completely at once. */
const readOptions = (options: DlqOptions): ReadOptions => ({ waitSeconds: options.region ? 2 : 0 });

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

const withQueues = async <T>(
  options: DlqOptions,
  work: (sqs: SQSClient, queues: DeadLetterQueue[]) => Promise<T>,
): Promise<T> => {
  const sqs = new SQSClient(awsClientConfig(options));
  try {
    const all = await listDeadLetterQueues(sqs, options.stage);
    if (all.length === 0)
      throw new RemoteError(
        `no dead-letter queue of stage ${options.stage} found${options.region ? ` in ${options.region}` : ` at ${options.url}`}`,
      );
    const selected = selectQueues(all, options.queue);
    if (selected === undefined) {
      throw new UsageError(
        `no dead-letter queue ${options.queue} (known: ${all.map((queue) => queue.route ?? queue.name).join(', ')})`,
      );
    }
    return await work(sqs, selected);
  } finally {
    sqs.destroy();
  }
};

const list = (options: DlqOptions): Promise<void> =>
  withQueues(options, async (sqs, queues) => {
    const contents: (DeadLetterQueue & { readonly messages: DeadLetter[] })[] = [];
    for (const queue of queues)
      contents.push({ ...queue, messages: await readDeadLetters(sqs, queue, readOptions(options)) });
    print(options, {
      json: () => contents,
      human: () => {
        const headings = columns(
          contents.map((queue) => [
            queue.route ?? queue.name,
            plural(queue.messages.length, 'message'),
            queue.name,
          ]),
        );
        return contents.flatMap((queue, index) => [
          headings[index]!,
          ...queue.messages.flatMap((message) => [
            `  ${message.messageId}  ${message.sentAt ?? ''}  reason: ${message.reason ?? '(none recorded)'}`,
            `    ${excerpt(message.body)}`,
          ]),
        ]);
      },
    });
  });

const redriveLine = (result: RedriveResult): string => {
  const targets = Object.entries(result.targets);
  const where =
    targets.length === 1
      ? ` to ${targets[0]![0]}`
      : targets.length > 1
        ? ` to ${targets.map(([name, count]) => `${name} (${count})`).join(', ')}`
        : '';
  return [
    `${result.queue.route ?? result.queue.name}: ${result.moved === 0 && result.left === 0 && result.failed === 0 ? 'nothing to redrive' : `${plural(result.moved, 'message')} moved back${where}`}`,
    ...(result.left > 0 ? [`${result.left} left (no queue to return them to)`] : []),
    ...(result.failed > 0 ? [`${result.failed} failed`] : []),
  ].join('; ');
};

const redriveAll = (options: DlqOptions): Promise<void> =>
  withQueues(options, async (sqs, queues) => {
    const results: RedriveResult[] = [];
    for (const queue of queues) {
      results.push(
        await redrive(sqs, queue, readOptions(options), (moved) => {
          if (!options.json) note(`${queue.route ?? queue.name}: ${plural(moved, 'message')} moved …`);
        }),
      );
    }
    print(options, {
      json: () =>
        results.map(({ queue, ...result }) => ({ queue: queue.name, route: queue.route, ...result })),
      human: () => results.map(redriveLine),
    });
    const failed = results.reduce((sum, result) => sum + result.failed, 0);
    if (failed > 0) throw new RemoteError(`${plural(failed, 'message')} could not be redriven`);
  });

const dlqCommand = (parent: Command, name: string, summary: string) =>
  parent
    .command(name)
    .summary(summary)
    .option('--queue <name>', 'one dead-letter queue: its route (VideoEvents…), name or URL')
    .option('--stage <stage>', "the stack's stage", 'dev')
    .addOption(regionOption('the queues'))
    .addOption(urlOption())
    .addOption(jsonOption());

export const registerDlq = (program: Command): void => {
  const dlq = program
    .command('dlq')
    .summary('list or redrive the dead-letter queues')
    .description(
      "The stack's dead-letter queues, through the SQS API: the local stack's, or a deployed one's with --region.",
    );
  dlqCommand(dlq, 'list', 'show each dead-letter queue with its messages and why they are there')
    .description(
      'Shows each dead-letter queue and its messages with the reason they were dead-lettered. Messages are ' +
        'read and given back: nothing is removed.',
    )
    .action((options: DlqOptions) => list(options));
  dlqCommand(dlq, 'redrive', 'move dead-lettered messages back to the queue they came from')
    .description(
      'Moves each message back to the queue it came from (its sourceQueueArn, else the queue whose redrive ' +
        'policy names the DLQ), deleting it only once re-sent. Messages dead-lettered again meanwhile stay for ' +
        'the next redrive. Exits 1 if a message could not be moved.',
    )
    .action((options: DlqOptions) => redriveAll(options));
};
