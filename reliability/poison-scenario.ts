import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { release } from '../cli/dead-letter-queues.ts';
import type { ActivityRecord } from '../local/activity-log.ts';
import { checkLinks, type LinksCheck } from './links-check.ts';
import type { HistoryEvent } from './links-from-history.ts';
import { namesOf } from './personal-values.ts';
import { waitUntilQuiet } from './quiet.ts';
import { type DeadLetter, deadLettersById } from './reconcile.ts';
import { replay } from './replay.ts';
import type { SystemUnderTest } from './system-under-test.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

export interface PoisonResult {
  /** The poison as found in the dead-letter queue. */
  readonly deadLetter: DeadLetter | undefined;
  /** Invocations of the video handler between the poison's put and quiet: one receive, no retry storm. */
  readonly invocationsForPoison: number;
  /** Links while the poison sat in the DLQ: nothing of it may show. */
  readonly linksWhileDeadLettered: LinksCheck;
  /** What `reelhire dlq redrive --json` printed. */
  readonly redriveOutput: unknown;
  /** Links once the fixed message was redriven and applied. */
  readonly linksAfterRedrive: LinksCheck;
  readonly deadLettersLeft: number;
}

/**
 * Replaces a dead-lettered message with a fixed copy (same attributes, so redrive knows where it came from):
 * what an operator does when the data, not the code, was wrong.
 */
export const replaceDeadLetter = async (
  system: SystemUnderTest,
  queueUrl: string,
  eventId: string,
  fix: (event: { detail: Record<string, unknown> }) => void,
): Promise<void> => {
  const { sqs } = system;
  const others: Message[] = [];
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) throw new Error(`event ${eventId} is not in ${queueUrl}`);
      const target = Messages.find((message) => message.Body?.includes(`"id":"${eventId}"`));
      others.push(...Messages.filter((message) => message !== target));
      if (!target) continue;
      const event = JSON.parse(target.Body ?? '{}') as { detail: Record<string, unknown> };
      fix(event);
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(event),
          MessageAttributes: target.MessageAttributes,
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: target.ReceiptHandle }));
      return;
    }
  } finally {
    await release(sqs, queueUrl, others);
  }
};

/** `npx reelhire dlq redrive` against the local stack (the CLI of CONTRACT §5), its JSON output parsed. */
export const redriveWithCli = async (apiUrl: string, queue: string): Promise<unknown> => {
  const { stdout } = await run(
    'npx',
    ['--no-install', 'reelhire', 'dlq', 'redrive', '--url', apiUrl, '--queue', queue, '--json'],
    { cwd: PROJECT_ROOT, timeout: 120_000 },
  );
  return JSON.parse(stdout) as unknown;
};

/**
 * A Video Posted whose `postedAt` is not a timestamp, for a video whose account has an owner: it must go to
 * the dead-letter queue on its first receive with the schema's reason, and write nothing. Once the message is
 * fixed in the DLQ, `reelhire dlq redrive` sends it back and the video gets its portfolio link.
 */
export const runPoison = async (system: SystemUnderTest, runId: string): Promise<PoisonResult> => {
  const account = { platform: 'tiktok' as const, accountId: `${runId}-account` };
  const profileId = `${runId}-profile`;
  const profile: HistoryEvent = {
    detailType: 'Profile Updated',
    detail: {
      profileId,
      version: 1,
      ...namesOf(profileId),
      portfolioUrl: `https://contra.com/${profileId}`,
      showPortfolioLink: true,
      linkedAccounts: [account],
      updatedAt: '2026-01-01T10:00:00Z',
    },
  };
  const video = { ...account, videoId: `${runId}-video`, postedAt: '2026-01-02T10:00:00Z' };
  const posted: HistoryEvent = { detailType: 'Video Posted', detail: video };

  await replay(system.eventBridge, system.busName, [{ kind: 'event', event: profile }]);
  await waitUntilQuiet(system.stack);

  let invocationsForPoison = 0;
  const onRecord = (record: ActivityRecord) => {
    if (
      record.kind === 'invocation' &&
      record.trigger === 'sqs' &&
      record.functionName.includes('VideoEvents')
    )
      invocationsForPoison++;
  };
  system.stack.activity.on('record', onRecord);
  let eventId: string | undefined;
  try {
    const poison = { ...video, postedAt: 'yesterday' };
    const delivered = await replay(system.eventBridge, system.busName, [
      { kind: 'poison', poison: { detailType: 'Video Posted', detail: poison, fault: 'postedAt' } },
    ]);
    eventId = delivered[0]?.eventId;
    await waitUntilQuiet(system.stack);
  } finally {
    system.stack.activity.off('record', onRecord);
  }
  if (eventId === undefined) throw new Error('the bus did not accept the poison event');
  const deadLetter = deadLettersById(system.stack.deadLetterQueues()).get(eventId);
  const linksWhileDeadLettered = await checkLinks(system.stack.url, [profile], [video]);

  const queue = system.stack.deadLetterQueues().find((candidate) => candidate.name === deadLetter?.queue);
  if (!queue) throw new Error(`event ${eventId} is in no dead-letter queue`);
  await replaceDeadLetter(system, queue.url, eventId, (event) => {
    event.detail.postedAt = video.postedAt;
  });
  const redriveOutput = await redriveWithCli(system.stack.url, queue.name);
  await waitUntilQuiet(system.stack);
  return {
    deadLetter,
    invocationsForPoison,
    linksWhileDeadLettered,
    redriveOutput,
    linksAfterRedrive: await checkLinks(system.stack.url, [profile, posted], [video]),
    deadLettersLeft: deadLettersById(system.stack.deadLetterQueues()).size,
  };
};
