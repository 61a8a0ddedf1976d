import type { EventPublisher, OutgoingEvent } from '#shared/event-publisher.ts';

/** An EventPublisher that keeps what was published, for assertions on the events a use case emits. */
export class RecordingPublisher implements EventPublisher {
  readonly events: OutgoingEvent[] = [];

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    this.events.push(...events);
  }

  ofType(detailType: string): unknown[] {
    return this.events.filter((event) => event.detailType === detailType).map((event) => event.detail);
  }

  clear(): void {
    this.events.length = 0;
  }
}
