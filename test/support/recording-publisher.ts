import { type DetailOf, definitionOf, EVENTS, type EventName } from '#events/catalog.ts';
import type { EventPublisher, OutgoingEvent } from '#shared/event-publisher.ts';

/**
 * The tests' EventPublisher: keeps what a use case publishes, each event checked against the catalog as the
 * bus's rules would (a detail-type it does not define, an origin that may not emit it or a detail off its schema
 * throws), and refuses publishes on demand, as a bus outage would.
 */
export class RecordingPublisher implements EventPublisher {
  readonly events: OutgoingEvent[] = [];
  /** Calls to publish, the refused ones included. */
  calls = 0;
  /** The next `refusals` publishes throw (Infinity: every one, until set back to 0). */
  refusals = 0;

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    this.calls++;
    if (this.refusals > 0) {
      this.refusals--;
      throw new Error('the bus refused the entries');
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

  /** The details of the catalog event `name` published so far (checked against its schema when published). */
  detailsOf<Name extends EventName>(name: Name): DetailOf<Name>[] {
    return this.ofType(EVENTS[name].detailType).map((event) => event.detail as DetailOf<Name>);
  }

  clear(): void {
    this.events.length = 0;
  }
}
