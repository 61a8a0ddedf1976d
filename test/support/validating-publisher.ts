import { definitionOf } from '#events/catalog.ts';
import type { EventPublisher, OutgoingEvent } from '#shared/event-publisher.ts';

/** Records what a handler publishes; validates every detail against the catalog as the bus's rules would. */
export class RecordingPublisher implements EventPublisher {
  readonly events: OutgoingEvent[] = [];
  /** The next `failures` publishes throw, as a bus that refused the entries would. */
  failures = 0;

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('bus unavailable (simulated)');
    }
    for (const event of events) {
      const definition = definitionOf(event.detailType);
      if (!definition) throw new Error(`unknown detail-type ${event.detailType}`);
      if (!definition.origins.includes(event.origin)) {
        throw new Error(`${event.detailType} may not come from ${event.origin}`);
      }
      definition.schema.parse(event.detail);
    }
    this.events.push(...events);
  }

  ofType(detailType: string): OutgoingEvent[] {
    return this.events.filter((event) => event.detailType === detailType);
  }
}
