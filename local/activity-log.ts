import { EventEmitter } from 'node:events';

/** What the bus did with one event: which rules matched it. */
export interface BusEventRecord {
  readonly kind: 'bus-event';
  readonly at: string;
  readonly bus: string;
  readonly event: Readonly<Record<string, unknown>>;
  readonly matchedRules: readonly string[];
}

/** `invoke`: `reelhire invoke` (POST /_local/invoke). */
export type InvocationTrigger = 'http' | 'sqs' | 'event' | 'schedule' | 'warm-up' | 'invoke';
/** `throttled`: refused at once because the function's reserved concurrency was in use; its code did not run. */
export type InvocationOutcome = 'succeeded' | 'failed' | 'timed-out' | 'crashed' | 'throttled';

export interface InvocationRecord {
  readonly kind: 'invocation';
  readonly at: string;
  readonly functionName: string;
  readonly requestId: string;
  readonly trigger: InvocationTrigger;
  readonly durationMs: number;
  readonly coldStart: boolean;
  readonly outcome: InvocationOutcome;
  readonly error?: string;
}

/** A delivery the bus or Lambda gave up on: where it went instead (a dead-letter queue) or that it was dropped. */
export interface DeliveryFailureRecord {
  readonly kind: 'delivery-failure';
  readonly at: string;
  readonly source: string;
  readonly target: string;
  readonly error: string;
  readonly deadLetterQueue?: string;
}

export type ActivityRecord = BusEventRecord | InvocationRecord | DeliveryFailureRecord;

type Recorded<R extends ActivityRecord> = Omit<R, 'kind' | 'at'>;

/**
 * The recent history of the local stack, in memory: bus events and the rules they matched, function
 * invocations and their errors, deliveries given up on. The local console reads it (and listens for new
 * records); the tests use it to see what happened behind the bus.
 */
export class ActivityLog extends EventEmitter<{ record: [ActivityRecord] }> {
  private readonly records: ActivityRecord[] = [];

  constructor(private readonly limit = 500) {
    super();
  }

  busEvent(record: Recorded<BusEventRecord>): void {
    this.add({ kind: 'bus-event', at: new Date().toISOString(), ...record });
  }

  invocation(record: Recorded<InvocationRecord>): void {
    this.add({ kind: 'invocation', at: new Date().toISOString(), ...record });
  }

  deliveryFailure(record: Recorded<DeliveryFailureRecord>): void {
    this.add({ kind: 'delivery-failure', at: new Date().toISOString(), ...record });
  }

  /** Oldest first. */
  recent(): readonly ActivityRecord[] {
    return [...this.records];
  }

  busEvents(): readonly BusEventRecord[] {
    return this.records.filter((record): record is BusEventRecord => record.kind === 'bus-event');
  }

  invocations(): readonly InvocationRecord[] {
    return this.records.filter((record): record is InvocationRecord => record.kind === 'invocation');
  }

  private add(record: ActivityRecord): void {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    this.emit('record', record);
  }
}
