/**
 * What a part of the running stack does when the stack starts and stops. Each part registers the hooks it needs
 * when it is built, and the stack runs them phase by phase, so a new part is one more step in startLocalStack.
 */
export interface LifecycleHooks {
  /** What the part is, as a stop that overruns names what it still waits for ("functions", "the WebSub hub"). */
  readonly name: string;
  /** Begins the part's own work (polls, timers) once every part is built. */
  readonly start?: () => void;
  /** Stops taking new work (timers, retries, polls); settles when the work under way has ended. */
  readonly halt?: () => Promise<void> | void;
  /** Cuts the work under way (invocations in the functions' workers), so that the halted parts settle. */
  readonly cut?: () => Promise<void>;
  /** Keeps state under the data directory once nothing runs; skipped when start-up fails. */
  readonly save?: () => Promise<void>;
  /** Releases what the part opened (ports, servers): last, in the reverse order of registration. */
  readonly close?: () => Promise<void>;
}

type StopPhase = 'halt' | 'cut' | 'save' | 'close';

export class StackLifecycle {
  private readonly parts: LifecycleHooks[] = [];
  private stopping: Promise<void> | undefined;
  /** The stop's hooks under way: what a stop that overruns is still waiting for. */
  private readonly unsettled = new Set<string>();

  add(hooks: LifecycleHooks): void {
    this.parts.push(hooks);
  }

  start(): void {
    for (const part of this.parts) part.start?.();
  }

  /** Stops every part; calling it again returns the same stop. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown({ save: true });
    return this.stopping;
  }

  /** Undoes a start-up that failed: nothing is saved over what the previous run kept. */
  abort(): Promise<void> {
    return this.shutDown({ save: false });
  }

  /** The parts whose stop hook has not settled yet, as "<name> (<phase>)"; empty when none runs. */
  waitingFor(): readonly string[] {
    return [...this.unsettled];
  }

  private async shutDown({ save }: { readonly save: boolean }): Promise<void> {
    // Flags first, so that invocations cut short by the shutdown are not retried or dead-lettered.
    const halted = this.parts.map((part) => this.track(part, 'halt'));
    await Promise.all(this.parts.map((part) => this.track(part, 'cut')));
    await Promise.all(halted);
    if (save) for (const part of this.parts) await this.track(part, 'save');
    for (const part of [...this.parts].reverse()) await this.track(part, 'close');
  }

  private async track(part: LifecycleHooks, phase: StopPhase): Promise<void> {
    const hook = part[phase];
    if (!hook) return;
    const label = `${part.name} (${phase})`;
    this.unsettled.add(label);
    try {
      await hook();
    } finally {
      this.unsettled.delete(label);
    }
  }
}

export interface PeriodicTaskOptions<Result> {
  /** The work's name, as the lifecycle reports it. */
  readonly name: string;
  /** One pass of the work. */
  readonly run: () => Promise<Result>;
  /** Whether the timer runs at all (tests call runNow instead). */
  readonly enabled: boolean;
  readonly intervalMs: number;
  /** Where a failed timed pass is reported; a pass asked for with runNow rejects instead. */
  readonly warn: (error: unknown) => void;
}

/**
 * Work done every `intervalMs` while the stack runs (alarm evaluation, the TTL sweep), never two passes at once:
 * `runNow` joins the pass under way, if any. The stack's stop waits for the pass under way.
 */
export const periodicTask = <Result>(
  lifecycle: StackLifecycle,
  options: PeriodicTaskOptions<Result>,
): { readonly runNow: () => Promise<Result> } => {
  let running: Promise<Result> | undefined;
  const runNow = (): Promise<Result> => {
    running ??= options.run().finally(() => {
      running = undefined;
    });
    return running;
  };
  let timer: NodeJS.Timeout | undefined;
  lifecycle.add({
    name: options.name,
    start: () => {
      if (!options.enabled) return;
      timer = setInterval(() => {
        runNow().catch(options.warn);
      }, options.intervalMs);
      timer.unref();
    },
    halt: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  });
  return { runNow };
};
