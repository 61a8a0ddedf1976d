import { performance } from 'node:perf_hooks';
import type { ActivityRecord } from '../local/activity-log.ts';
import { evenFaultRates, type FaultCounts } from './fault-proxy.ts';
import { scaledHistory } from './history.ts';
import { checkLinks, type LinksCheck } from './links-check.ts';
import { waitUntilQuiet } from './quiet.ts';
import { AppliedCheck, type Reconciliation, reconcile } from './reconcile.ts';
import { type Delivered, replay } from './replay.ts';
import type { SystemUnderTest } from './system-under-test.ts';

export interface ReplayOptions {
  /** Deliveries in all, duplicates and poison included. */
  readonly events: number;
  readonly seed: number;
  /** Share of the functions' DynamoDB calls that are faulted, spread over every kind. @default 0.1 */
  readonly faultRate?: number;
  /** @default 0.01 */
  readonly poisonRate?: number;
  /** @default 600_000 */
  readonly quietTimeoutMs?: number;
}

export interface ReplayResult {
  readonly events: number;
  readonly distinctEvents: number;
  readonly videos: number;
  readonly faults: FaultCounts;
  readonly links: LinksCheck;
  readonly reconciliation: Reconciliation;
  /** SQS-triggered invocations: how many, how many failed as a whole, the longest. */
  readonly invocations: { readonly batches: number; readonly failed: number; readonly longestMs: number };
  readonly durationMs: number;
}

/**
 * Replays a random history through PutEvents with a share of the functions' store calls faulted, waits until
 * the system is quiet, then checks every video's links against the rule and reconciles every delivery.
 */
export const runReplay = async (system: SystemUnderTest, options: ReplayOptions): Promise<ReplayResult> => {
  const started = performance.now();
  const generated = scaledHistory({
    events: options.events,
    seed: options.seed,
    runId: `replay${options.seed}x${Date.now().toString(36)}`,
    ...(options.poisonRate !== undefined ? { poisonRate: options.poisonRate } : {}),
  });
  const invocations = { batches: 0, failed: 0, longestMs: 0 };
  const onRecord = (record: ActivityRecord) => {
    if (record.kind !== 'invocation' || record.trigger !== 'sqs') return;
    invocations.batches++;
    if (record.outcome !== 'succeeded') invocations.failed++;
    invocations.longestMs = Math.max(invocations.longestMs, record.durationMs);
  };
  system.stack.activity.on('record', onRecord);
  const before = system.proxy.stats();
  system.proxy.setRates(evenFaultRates(options.faultRate ?? 0.1));
  let delivered: Delivered[];
  try {
    delivered = await replay(system.eventBridge, system.busName, generated.deliveries);
    await waitUntilQuiet(system.stack, { timeoutMs: options.quietTimeoutMs ?? 600_000 });
  } finally {
    system.proxy.setRates({});
    system.stack.activity.off('record', onRecord);
  }
  const faults = system.proxy.since(before);
  const links = await checkLinks(system.stack.url, generated.history, generated.videos);
  const reconciliation = await reconcile(
    delivered,
    new AppliedCheck(system.documents, system.tableName),
    system.stack.deadLetterQueues(),
  );
  return {
    events: delivered.length,
    distinctEvents: generated.history.length,
    videos: generated.videos.length,
    faults,
    links,
    reconciliation,
    invocations,
    durationMs: performance.now() - started,
  };
};
