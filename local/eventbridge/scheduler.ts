import type { EventRule } from './bus-event.ts';
import { parseScheduleExpression, type Schedule } from './schedule-expression.ts';

/** setTimeout cannot wait longer than this; a later firing is reached in several waits. */
const MAX_TIMER_MS = 2_147_483_647;

/** Fires every enabled schedule rule at the instants of its expression until stopped. */
export class RuleScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly schedules: { rule: EventRule; schedule: Schedule }[];

  constructor(
    rules: readonly EventRule[],
    private readonly fire: (rule: EventRule) => void,
  ) {
    // Parsed up front, so that a bad expression stops start-up as it would stop a deploy.
    this.schedules = rules
      .filter((rule) => rule.enabled && rule.scheduleExpression !== undefined)
      .map((rule) => ({ rule, schedule: parseScheduleExpression(rule.scheduleExpression!) }));
  }

  start(): void {
    for (const { rule, schedule } of this.schedules) this.arm(rule, schedule, schedule.nextAfter(Date.now()));
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(rule: EventRule, schedule: Schedule, at: number): void {
    if (!Number.isFinite(at)) return;
    const wait = at - Date.now();
    const timer = setTimeout(
      () => {
        if (wait > MAX_TIMER_MS) return this.arm(rule, schedule, at);
        this.fire(rule);
        this.arm(rule, schedule, schedule.nextAfter(Math.max(at, Date.now())));
      },
      Math.min(Math.max(0, wait), MAX_TIMER_MS),
    );
    this.timers.set(rule.arn, timer);
  }
}
