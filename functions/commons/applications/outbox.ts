import type { EventPublisher } from '#shared/event-publisher.ts';
import { type Application, pendingEvents } from './application.ts';
import type { ApplicationStore } from './application-store.ts';

/**
 * The application's outbox: every change is written first (its history entry is its marker), then its events
 * are published, then the application records them as published. A request that fails in between leaves them
 * pending, and the sweep (sweep.ts) publishes them a minute later: every change is published at least once.
 */
export class ApplicationOutbox {
  constructor(
    private readonly store: ApplicationStore,
    private readonly publisher: EventPublisher,
  ) {}

  /** Publishes what the application has pending (nothing: nothing to do), then empties its outbox. */
  async publishPending(application: Application): Promise<void> {
    const events = pendingEvents(application);
    if (events.length === 0) return;
    await this.publisher.publish(events);
    await this.store.markPublished(application);
  }
}
