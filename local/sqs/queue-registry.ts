import { queueUrlOf } from '../cloudformation/physical-ids.ts';
import { localArn } from '../local-account.ts';
import { DEFAULT_QUEUE_SETTINGS, LocalQueue, type QueueSettings } from './local-queue.ts';
import type { MessageAttributeValue } from './message-digest.ts';

/** The local account's queues, found by name, URL (any host: localhost and 127.0.0.1 alike) or ARN. */
export class QueueRegistry {
  private readonly queues = new Map<string, LocalQueue>();

  constructor(
    private readonly apiUrl: string,
    private readonly clock: () => number = Date.now,
  ) {}

  create(name: string, settings: Partial<QueueSettings> = {}): LocalQueue {
    if (this.queues.has(name)) throw new Error(`queue ${name} already exists`);
    const queue = new LocalQueue(
      name,
      queueUrlOf(this.apiUrl, name),
      localArn('sqs', name),
      { ...DEFAULT_QUEUE_SETTINGS, ...settings },
      (arn) => this.byArn(arn),
      this.clock,
    );
    this.queues.set(name, queue);
    return queue;
  }

  byName(name: string): LocalQueue | undefined {
    return this.queues.get(name);
  }

  byArn(arn: string): LocalQueue | undefined {
    return this.queues.get(arn.split(':')[5] ?? '');
  }

  /** Sends to the queue with this ARN (a dead-letter queue, a destination); false when there is none. */
  sendTo(arn: string, body: string, attributes?: Record<string, MessageAttributeValue>): boolean {
    const queue = this.byArn(arn);
    if (!queue) return false;
    queue.send({ body, ...(attributes ? { messageAttributes: attributes } : {}) });
    return true;
  }

  byUrl(url: string): LocalQueue | undefined {
    try {
      const segments = new URL(url).pathname.split('/').filter(Boolean);
      return segments.length === 2 ? this.queues.get(segments[1]!) : undefined;
    } catch {
      return undefined;
    }
  }

  all(): readonly LocalQueue[] {
    return [...this.queues.values()];
  }

  /** The queues whose redrive policy names this one as their dead-letter queue. */
  sourcesOf(deadLetterQueue: LocalQueue): readonly LocalQueue[] {
    return this.all().filter(
      (queue) => queue.settings.redrivePolicy?.deadLetterTargetArn === deadLetterQueue.arn,
    );
  }

  /** Ends every long poll, so pollers see the stop at once. */
  wakeAll(): void {
    for (const queue of this.queues.values()) queue.wake();
  }
}
