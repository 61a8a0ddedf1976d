import type { Origin } from '#events/catalog.ts';

/** One canonical event to publish. */
export interface OutgoingEvent {
  readonly origin: Origin;
  readonly detailType: string;
  readonly detail: unknown;
  /** The instant the event happened (RFC 3339); EventBridge sets `time` from it. */
  readonly time?: Date;
}

/** The port handlers publish through (aws/event-bus.ts on EventBridge); tests may pass a recording one. */
export interface EventPublisher {
  publish(events: readonly OutgoingEvent[]): Promise<void>;
}
