/**
 * The deliveries a runtime component runs in the background and the retries it has scheduled: stopping drops
 * the scheduled retries, refuses new work and waits for the work under way, so that nothing runs after a stop.
 */
export class BackgroundWork {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  get stopped(): boolean {
    return this.stopping;
  }

  /** Starts the work now (unless stopped); stop() waits for it. */
  run(work: () => Promise<void>): void {
    if (this.stopping) return;
    const task = work().finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Calls `retry` after `delayMs`, unless stopped first. */
  later(delayMs: number, retry: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      retry();
    }, delayMs);
    this.timers.add(timer);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running);
  }
}
