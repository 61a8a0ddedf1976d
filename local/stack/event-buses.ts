import type { BusEvent, EventRule, RuleTarget } from '../eventbridge/bus-event.ts';
import { LocalEventBuses } from '../eventbridge/local-event-bus.ts';
import { RuleScheduler } from '../eventbridge/scheduler.ts';
import { deliverToTarget } from '../eventbridge/target-delivery.ts';
import { DeliveryError, TargetDispatcher } from '../eventbridge/target-dispatcher.ts';
import { ruleToQueue, ruleToTarget } from '../iam/service-deliveries.ts';
import type { AsyncInvoker } from '../lambda/async-invoker.ts';
import { busNamesOf, rulesOf } from '../template-model.ts';
import type { StackLifecycle } from './lifecycle.ts';
import type { StackParts } from './stack-parts.ts';

export interface EventBusesInput
  extends Pick<StackParts, 'resources' | 'queues' | 'activity' | 'iam' | 'warn'> {
  /** The rules' function targets. */
  readonly invoker: AsyncInvoker;
  /** Wait before rule-target retry n. @default exponential from 1 s */
  readonly targetBackoffMs: ((retry: number) => number) | undefined;
  /** Run schedule rules on their timers. */
  readonly schedules: boolean;
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
  const { queues, invoker, iam } = input;
  const busNames = busNamesOf(input.resources);
  const rules = rulesOf(input.resources, input.warn);
  // The buses and the dispatcher need each other (a target may be another bus): the dispatcher asks late.
  let buses: LocalEventBuses | undefined;
  const authorize = async (rule: EventRule, target: RuleTarget): Promise<DeliveryError | undefined> => {
    const decision = await iam.authorizeDelivery(
      ruleToTarget(iam.model(), rule.arn, target),
      `rule ${rule.name} → ${target.arn} (${target.deadLetterArn ? 'dead-lettered' : 'dropped'})`,
    );
    if (decision.allowed) return undefined;
    const code = decision.check.action === 'sts:AssumeRole' ? 'FAILED_TO_ASSUME_ROLE' : 'NO_PERMISSIONS';
    return new DeliveryError(code, decision.reason, false);
  };
  const dispatcher = new TargetDispatcher({
    deliver: deliverToTarget({ queues, invoker, buses: () => buses, authorize }),
    deadLetter: async (rule, arn, body, attributes) => {
      const decision = await iam.authorizeDelivery(
        ruleToQueue(iam.model(), rule.arn, arn),
        `rule ${rule.name} → dead-letter queue ${arn} (dropped)`,
      );
      return decision.allowed && queues.sendTo(arn, body, attributes);
    },
    activity: input.activity,
    ...(input.targetBackoffMs ? { backoffMs: input.targetBackoffMs } : {}),
  });
  const eventBuses = new LocalEventBuses(busNames, rules, dispatcher, input.activity);
  buses = eventBuses;
  const scheduler = new RuleScheduler(rules, (rule) => eventBuses.fireSchedule(rule));
  lifecycle.add({
    name: 'event buses',
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
