import { DynamoProfileStore } from '#links/dynamo-profiles.ts';
import { eventually } from '../local/testing/eventually.ts';
import { type DynamoCall, isWrite } from './fault-proxy.ts';
import { scaledHistory } from './history.ts';
import { checkLinks, type LinksCheck } from './links-check.ts';
import type { HistoryEvent } from './links-from-history.ts';
import { namesOf } from './personal-values.ts';
import { waitUntilQuiet } from './quiet.ts';
import { AppliedCheck, type Reconciliation, reconcile } from './reconcile.ts';
import { replay } from './replay.ts';
import type { SystemUnderTest } from './system-under-test.ts';

export interface CrashOptions {
  readonly events: number;
  readonly seed: number;
  /** The write during which the environments are killed. @default 20 */
  readonly crashAtWrite?: number;
  /** @default 240_000 */
  readonly timeoutMs?: number;
}

export interface CrashResult {
  /** The call held when the environments were killed: it never reached DynamoDB. */
  readonly heldCall: DynamoCall;
  readonly killedEnvironments: number;
  /** Invocations that ended as crashed (Runtime.ExitError). */
  readonly crashedInvocations: number;
  /** Messages seen received again after the crash. */
  readonly redeliveredMessages: number;
  readonly links: LinksCheck;
  readonly reconciliation: Reconciliation;
}

/**
 * Kills the functions' execution environments in the middle of their batches: the proxy holds one write (so
 * the batch is caught between writes), every environment inside an invocation exits, and the held connection
 * is dropped. Lambda's SQS poller sees a failed invocation and leaves the whole batch to come back after the
 * visibility timeout; once quiet, the links must still equal the rule and nothing may be lost.
 */
export const runCrash = async (system: SystemUnderTest, options: CrashOptions): Promise<CrashResult> => {
  const generated = scaledHistory({
    events: options.events,
    seed: options.seed,
    runId: `crash${options.seed}x${Date.now().toString(36)}`,
    poisonRate: 0,
  });
  let writes = 0;
  const crashAt = options.crashAtWrite ?? 20;
  const crash = system.proxy
    .holdNext((call) => isWrite(call) && ++writes === crashAt)
    .then(async (heldCall) => {
      let killedEnvironments = 0;
      for (const fn of system.stack.functions.values()) killedEnvironments += await fn.crashRunning();
      heldCall.drop();
      return { heldCall, killedEnvironments };
    });
  let crashedInvocations = 0;
  const onRecord = (record: { kind: string; outcome?: string }) => {
    if (record.kind === 'invocation' && record.outcome === 'crashed') crashedInvocations++;
  };
  system.stack.activity.on('record', onRecord);
  const redelivered = new Set<string>();
  try {
    const delivered = await replay(system.eventBridge, system.busName, generated.deliveries);
    const { heldCall, killedEnvironments } = await crash;
    const deadLetterQueues = new Set(system.stack.deadLetterQueueNames);
    await waitUntilQuiet(system.stack, {
      timeoutMs: options.timeoutMs ?? 240_000,
      // Often enough to see a redelivered batch while it is in flight, however fast it is processed.
      intervalMs: 20,
      stableChecks: 25,
      onCheck: () => {
        for (const queue of system.stack.queues.all()) {
          if (deadLetterQueues.has(queue.name)) continue;
          for (const message of queue.peek())
            if (message.receiveCount > 1) redelivered.add(message.messageId);
        }
      },
    });
    return {
      heldCall,
      killedEnvironments,
      crashedInvocations,
      redeliveredMessages: redelivered.size,
      links: await checkLinks(system.stack.url, generated.history, generated.videos),
      reconciliation: await reconcile(
        delivered,
        new AppliedCheck(system.documents, system.tableName),
        system.stack.deadLetterQueues(),
      ),
    };
  } finally {
    system.stack.activity.off('record', onRecord);
  }
};

export interface CrashWindowResult {
  /** Links served for the account's video once quiet, and what the rule says. */
  readonly served: LinksCheck;
  readonly killedEnvironments: number;
}

/**
 * The window the random crash test found: a Profile Updated that has written its claims but not yet its
 * profile item is killed there, while a newer version (listing nothing) lands; the redelivered older version
 * then finds the newer one stored. The claim it wrote before the crash must not outlive it.
 */
export const runCrashBetweenClaimsAndProfile = async (
  system: SystemUnderTest,
  runId: string,
): Promise<CrashWindowResult> => {
  const account = { platform: 'tiktok' as const, accountId: `${runId}-account` };
  const video = { ...account, videoId: `${runId}-video`, postedAt: '2026-01-01T10:00:00Z' };
  const profileId = `${runId}-profile`;
  const version = (number: number, linkedAccounts: (typeof account)[]) => ({
    profileId,
    version: number,
    ...namesOf(profileId),
    portfolioUrl: `https://contra.com/${profileId}/v${number}`,
    showPortfolioLink: true,
    linkedAccounts,
    updatedAt: `2026-01-0${number}T10:00:00Z`,
  });
  const history: HistoryEvent[] = [
    { detailType: 'Video Posted', detail: video },
    { detailType: 'Profile Updated', detail: version(1, [account]) },
    { detailType: 'Profile Updated', detail: version(2, []) },
  ];
  const put = (event: HistoryEvent) => replay(system.eventBridge, system.busName, [{ kind: 'event', event }]);

  await put(history[0]!);
  await waitUntilQuiet(system.stack);
  const held = system.proxy.holdNext(
    (call) => call.operation === 'PutItem' && call.body.includes(`"PROFILE#${profileId}"`),
  );
  await put(history[1]!);
  const heldCall = await held;
  await put(history[2]!);
  const profiles = new DynamoProfileStore(system.documents, system.tableName);
  await eventually(async () => ((await profiles.read(profileId))?.record.version === 2 ? true : undefined));
  let killedEnvironments = 0;
  for (const fn of system.stack.functions.values()) killedEnvironments += await fn.crashRunning();
  heldCall.drop();
  await waitUntilQuiet(system.stack);
  return { served: await checkLinks(system.stack.url, history, [video]), killedEnvironments };
};
