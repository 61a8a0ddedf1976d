import { randomUUID } from 'node:crypto';
import type { ActivityLog } from '../activity-log.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../local-account.ts';
import { type BusEvent, type EventRule, eventTime } from './bus-event.ts';
import { type AcceptedEntry, checkEntry, entriesOf } from './put-events-request.ts';
import type { TargetDispatcher } from './target-dispatcher.ts';

export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

/**
 * The event buses of the local account (`default` and the template's), their rules and PutEvents: entries
 * are checked as EventBridge checks them, each accepted one becomes an event with an id and a time, is matched
 * against the enabled rules of its bus and handed to the dispatcher for every target of every matching rule.
 */
export class LocalEventBuses {
  private readonly busNames: ReadonlySet<string>;

  constructor(
    busNames: readonly string[],
    readonly rules: readonly EventRule[],
    private readonly dispatcher: TargetDispatcher,
    private readonly activity: ActivityLog,
  ) {
    this.busNames = new Set(['default', ...busNames]);
  }

  exists(busName: string): boolean {
    return this.busNames.has(busName);
  }

  /** PutEvents: throws EventsError for what fails the whole request, reports per entry what fails one entry. */
  putEvents(request: unknown): PutEventsResult {
    const now = new Date();
    const checked = entriesOf(request).map((entry) => checkEntry(entry, (name) => this.exists(name), now));
    const Entries = checked.map((entry) =>
      'accepted' in entry
        ? { EventId: this.publish(this.eventOf(entry.accepted), entry.accepted.busName) }
        : entry.rejected,
    );
    return { FailedEntryCount: checked.filter((entry) => 'rejected' in entry).length, Entries };
  }

  /** Matches an event on a bus and dispatches it to the targets of every matching rule; returns its id. */
  publish(event: BusEvent, busName: string): string {
    const matched = this.rules.filter(
      (rule) => rule.enabled && rule.busName === busName && rule.matches?.(event),
    );
    this.activity.busEvent({
      bus: busName,
      event: { ...event },
      matchedRules: matched.map((rule) => rule.name),
    });
    for (const rule of matched)
      for (const target of rule.targets) this.dispatcher.dispatch(rule, target, event);
    return event.id;
  }

  /** A schedule rule firing: EventBridge's `Scheduled Event` to each of its targets. */
  fireSchedule(rule: EventRule, at = new Date()): BusEvent {
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT,
      time: eventTime(at),
      region: LOCAL_REGION,
      resources: [rule.arn],
      detail: {},
    };
    this.activity.busEvent({ bus: rule.busName, event: { ...event }, matchedRules: [rule.name] });
    for (const target of rule.targets) this.dispatcher.dispatch(rule, target, event);
    return event;
  }

  private eventOf(entry: AcceptedEntry): BusEvent {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.detailType,
      source: entry.source,
      account: LOCAL_ACCOUNT,
      time: eventTime(entry.time),
      region: LOCAL_REGION,
      resources: entry.resources,
      detail: entry.detail,
    };
  }
}
