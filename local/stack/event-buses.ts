import type { ActivityLog } from '../activity-log.ts';
import type { ResolvedResource } from '../cloudformation/intrinsics.ts';
import type { BusEvent, EventRule } from '../eventbridge/bus-event.ts';
import { LocalEventBuses } from '../eventbridge/local-event-bus.ts';
import { RuleScheduler } from '../eventbridge/scheduler.ts';
import { deliverToTarget } from '../eventbridge/target-delivery.ts';
import { TargetDispatcher } from '../eventbridge/target-dispatcher.ts';
import type { AsyncInvoker } from '../lambda/async-invoker.ts';
import type { QueueRegistry } from '../sqs/queue-registry.ts';
import { busNamesOf, rulesOf } from '../template-model.ts';
import type { StackLifecycle } from './lifecycle.ts';

export interface EventBusesInput {
  readonly resources: readonly ResolvedResource[];
  /** The rules' queue targets and dead-letter queues. */
  readonly queues: QueueRegistry;
  /** The rules' function targets. */
  readonly invoker: AsyncInvoker;
  readonly activity: ActivityLog;
  /** Wait before rule-target retry n. @default exponential from 1 s */
  readonly targetBackoffMs: ((retry: number) => number) | undefined;
  /** Run schedule rules on their timers. */
  readonly schedules: boolean;
  readonly warn: (message: string) => void;
}

export interface StackEventBuses {
  /** The template's buses (the account's `default` bus is not one of them, though it takes PutEvents too). */
  readonly busNames: readonly string[];
  readonly buses: LocalEventBuses;
  readonly rules: readonly EventRule[];
  /** Fires a schedule rule now (tests, the console). */
  runSchedule(ruleName: string): BusEvent;
}

/**
 * The template's event buses with their rules, the dispatcher that delivers to the rules' targets (retries,
 * dead-letter queues) and the schedule rules' timers.
 */
export const startEventBuses = (lifecycle: StackLifecycle, input: EventBusesInput): StackEventBuses => {
  const { queues, invoker } = input;
  const busNames = busNamesOf(input.resources);
  const rules = rulesOf(input.resources, input.warn);
  // The buses and the dispatcher need each other (a target may be another bus): the dispatcher asks late.
  let buses: LocalEventBuses | undefined;
  const dispatcher = new TargetDispatcher({
    deliver: deliverToTarget({ queues, invoker, buses: () => buses }),
    deadLetter: (arn, body, attributes) => queues.sendTo(arn, body, attributes),
    activity: input.activity,
    ...(input.targetBackoffMs ? { backoffMs: input.targetBackoffMs } : {}),
  });
  const eventBuses = new LocalEventBuses(busNames, rules, dispatcher, input.activity);
  buses = eventBuses;
  const scheduler = new RuleScheduler(rules, (rule) => eventBuses.fireSchedule(rule));
  lifecycle.add({
    ...(input.schedules ? { start: () => scheduler.start() } : {}),
    halt: () => {
      scheduler.stop();
      return dispatcher.stop();
    },
  });
  return {
    busNames,
    buses: eventBuses,
    rules,
    runSchedule: (ruleName) => {
      const rule = rules.find((candidate) => candidate.name === ruleName && candidate.scheduleExpression);
      if (!rule) throw new Error(`no schedule rule ${ruleName}`);
      return eventBuses.fireSchedule(rule);
    },
  };
};
