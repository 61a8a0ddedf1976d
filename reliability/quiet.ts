import type { LocalStack } from '../local/local-stack.ts';

/** What is still under way in a local stack: messages not yet consumed and invocations running. */
export interface Activity {
  /** Messages in the work queues (visible, in flight or delayed); dead-letter queues do not count. */
  readonly messages: number;
  readonly invocations: number;
}

export const activityOf = (stack: LocalStack): Activity => {
  const deadLetterQueues = new Set(stack.deadLetterQueueNames);
  let messages = 0;
  for (const queue of stack.queues.all()) {
    if (deadLetterQueues.has(queue.name)) continue;
    const { visible, inFlight, delayed } = queue.counts();
    messages += visible + inFlight + delayed;
  }
  let invocations = 0;
  for (const fn of stack.functions.values()) invocations += fn.running;
  return { messages, invocations };
};

export interface QuietOptions {
  /** @default 300_000 */
  readonly timeoutMs?: number;
  /** Consecutive quiet checks needed (a function may be about to publish). @default 5 */
  readonly stableChecks?: number;
  /** @default 100 */
  readonly intervalMs?: number;
  /** Called on every check, to watch what goes on while waiting. */
  readonly onCheck?: () => void;
}

/**
 * Waits, polling with a bounded wait, until every work queue is empty and no invocation runs, several checks
 * in a row. Throws with what is still under way when the time is up.
 */
export const waitUntilQuiet = async (stack: LocalStack, options: QuietOptions = {}): Promise<void> => {
  const { timeoutMs = 300_000, stableChecks = 5, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  let quietChecks = 0;
  for (;;) {
    options.onCheck?.();
    const activity = activityOf(stack);
    quietChecks = activity.messages === 0 && activity.invocations === 0 ? quietChecks + 1 : 0;
    if (quietChecks >= stableChecks) return;
    if (Date.now() > deadline) {
      throw new Error(
        `not quiet after ${timeoutMs} ms: ${activity.messages} messages queued, ${activity.invocations} invocations running`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
