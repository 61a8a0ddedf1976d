import {
  type AlarmStateValue,
  evaluateAlarm,
  type PeriodValue,
  periodValueOf,
} from '../cloudwatch/alarm-evaluation.ts';
import { type AlarmDefinition, alarmsOf } from '../cloudwatch/alarm-model.ts';
import { alarmToTopic } from '../iam/service-deliveries.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../local-account.ts';
import { LocalTopics } from '../sns/local-topics.ts';
import { periodicTask, type StackLifecycle } from './lifecycle.ts';
import type { StackParts } from './stack-parts.ts';

export interface AlarmsInput
  extends Pick<StackParts, 'resources' | 'metrics' | 'queues' | 'functions' | 'iam' | 'log' | 'warn'> {
  /** Evaluate on a timer. @default true; tests may call evaluateNow instead */
  readonly run: boolean;
}

/** An alarm as `npx reelhire alarms` and the console show it. */
export interface AlarmView {
  readonly name: string;
  readonly description: string | undefined;
  readonly state: AlarmStateValue;
  /** Whether the notification of its latest state change reached its topic. */
  readonly notification: 'none' | 'delivered' | 'refused';
  readonly reason: string;
  readonly updatedAt: string;
}

export interface LocalAlarms {
  readonly topics: LocalTopics;
  list(): AlarmView[];
  /** Samples the gauges and evaluates every alarm now (what the timer does). */
  evaluateNow(): Promise<void>;
}

interface AlarmState {
  readonly definition: AlarmDefinition;
  readonly periodValue: PeriodValue;
  view: AlarmView;
}

/** Between two evaluations, on the alarm clock: CloudWatch evaluates about every minute. */
const EVALUATION_INTERVAL_MS = 10_000;

const actionsFor = (alarm: AlarmDefinition, state: AlarmStateValue): readonly string[] => {
  if (!alarm.actionsEnabled) return [];
  if (state === 'ALARM') return alarm.alarmActions;
  return state === 'OK' ? alarm.okActions : alarm.insufficientDataActions;
};

/** What CloudWatch sends an SNS topic on a state change (its JSON message, and its subject). */
const notificationOf = (alarm: AlarmDefinition, old: AlarmStateValue, view: AlarmView) => ({
  subject: `${view.state}: "${alarm.name}" in US East (N. Virginia)`,
  message: JSON.stringify({
    AlarmName: alarm.name,
    AlarmDescription: alarm.description ?? null,
    AWSAccountId: LOCAL_ACCOUNT,
    NewStateValue: view.state,
    NewStateReason: view.reason,
    StateChangeTime: view.updatedAt,
    Region: LOCAL_REGION,
    AlarmArn: alarm.arn,
    OldStateValue: old,
  }),
});

/**
 * CloudWatch alarms on this machine: every AWS::CloudWatch::Alarm of the template, evaluated on its own periods
 * from the local metrics, each state change sent to the alarm's topics when IAM lets CloudWatch publish there
 * (refused otherwise, as AWS refuses it, and printed).
 */
export const startAlarms = (lifecycle: StackLifecycle, input: AlarmsInput): LocalAlarms => {
  const { metrics, iam } = input;
  const topics = new LocalTopics(input.resources, input.log);
  const startedAt = new Date(metrics.now()).toISOString();
  const alarms: AlarmState[] = alarmsOf(input.resources, input.warn).flatMap((definition) => {
    try {
      return [
        {
          definition,
          periodValue: periodValueOf(definition, metrics.store),
          view: {
            name: definition.name,
            description: definition.description,
            state: 'INSUFFICIENT_DATA',
            notification: 'none',
            reason: 'Unchecked: Initial alarm creation',
            updatedAt: startedAt,
          },
        },
      ];
    } catch (error) {
      input.warn(error instanceof Error ? error.message : String(error));
      return [];
    }
  });

  const notify = async (alarm: AlarmState, old: AlarmStateValue): Promise<AlarmView['notification']> => {
    const actions = actionsFor(alarm.definition, alarm.view.state);
    if (actions.length === 0) return 'none';
    let refused = false;
    for (const action of actions) {
      if (action.split(':')[2] !== 'sns' || !topics.exists(action)) {
        input.warn(`alarm ${alarm.definition.name}: action ${action} is not run locally`);
        continue;
      }
      const decision = await iam.authorizeDelivery(
        alarmToTopic(iam.model(), alarm.definition.arn, action),
        `alarm ${alarm.definition.name} → ${action} (not notified)`,
      );
      if (!decision.allowed) {
        refused = true;
        continue;
      }
      const { subject, message } = notificationOf(alarm.definition, old, alarm.view);
      topics.publish(action, subject, message);
    }
    return refused ? 'refused' : 'delivered';
  };

  const evaluateAll = async (): Promise<void> => {
    metrics.sample(input.queues, input.functions);
    const now = metrics.now();
    for (const alarm of alarms) {
      const old = alarm.view.state;
      const next = evaluateAlarm(alarm.definition, alarm.periodValue, now, old);
      if (next.state === old) continue;
      alarm.view = { ...alarm.view, ...next, updatedAt: new Date(now).toISOString() };
      const notification = await notify(alarm, old);
      alarm.view = { ...alarm.view, notification };
      // Coming out of the initial INSUFFICIENT_DATA into OK is every alarm's first evaluation: not news.
      if (old !== 'INSUFFICIENT_DATA' || next.state !== 'OK')
        input.log(
          `[alarms] ${alarm.definition.name}: ${old} → ${next.state} (${next.reason}) notification ${notification}`,
        );
    }
  };
  const { runNow: evaluateNow } = periodicTask(lifecycle, {
    name: 'alarm evaluation',
    run: evaluateAll,
    enabled: input.run && alarms.length > 0,
    intervalMs: Math.max(20, EVALUATION_INTERVAL_MS / metrics.timeScale),
    warn: (error) => input.warn(`alarms: ${String(error)}`),
  });
  return { topics, list: () => alarms.map((alarm) => alarm.view), evaluateNow };
};
