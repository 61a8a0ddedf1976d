import { describe, expect, it } from 'vitest';
import { StackLifecycle } from '../../local/stack/lifecycle.ts';
import { eventually } from '../../local/testing/eventually.ts';

/**
 * The order in which the parts of a local stack stop: the order the runtime's shutdown depends on (no retry of
 * an invocation cut short, queued messages saved once nothing runs, ports released last).
 */
describe('the local stack lifecycle', () => {
  /** Two parts that record each hook; the first part's halt settles only once the second part has cut. */
  const recordedParts = () => {
    const calls: string[] = [];
    let cutDone: () => void = () => undefined;
    const cut = new Promise<void>((resolve) => {
      cutDone = resolve;
    });
    const lifecycle = new StackLifecycle();
    lifecycle.add({
      name: 'storage',
      start: () => calls.push('start storage'),
      halt: async () => {
        calls.push('halt storage');
        await cut;
        calls.push('storage settled');
      },
      save: async () => {
        calls.push('save storage');
      },
      close: async () => {
        calls.push('close storage');
      },
    });
    lifecycle.add({
      name: 'functions',
      start: () => calls.push('start functions'),
      cut: async () => {
        calls.push('cut functions');
        cutDone();
      },
      close: async () => {
        calls.push('close functions');
      },
    });
    return { lifecycle, calls };
  };

  it('starts the parts in order; stops by halting all, cutting, waiting, saving, then closing in reverse', async () => {
    const { lifecycle, calls } = recordedParts();
    lifecycle.start();
    await lifecycle.stop();
    expect(calls).toEqual([
      'start storage',
      'start functions',
      'halt storage',
      'cut functions',
      'storage settled',
      'save storage',
      'close functions',
      'close storage',
    ]);
  });

  it('stops once however often it is asked', async () => {
    const { lifecycle, calls } = recordedParts();
    const first = lifecycle.stop();
    expect(lifecycle.stop()).toBe(first);
    await first;
    expect(calls.filter((call) => call === 'close storage')).toHaveLength(1);
  });

  it("saves nothing when start-up failed, so the previous run's data stays", async () => {
    const { lifecycle, calls } = recordedParts();
    await lifecycle.abort();
    expect(calls).not.toContain('save storage');
    expect(calls.slice(-2)).toEqual(['close functions', 'close storage']);
  });

  it('names the parts whose stop has not settled, so a stop that overruns says what it waits for', async () => {
    const { lifecycle } = recordedParts();
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    lifecycle.add({ name: 'hub', close: () => stuck });
    const stopped = lifecycle.stop();
    await eventually(() => (lifecycle.waitingFor().includes('hub (close)') ? true : undefined), {
      what: 'the stop to reach the hub',
    });
    expect(lifecycle.waitingFor()).toEqual(['hub (close)']);
    release();
    await stopped;
    expect(lifecycle.waitingFor()).toEqual([]);
  });
});
