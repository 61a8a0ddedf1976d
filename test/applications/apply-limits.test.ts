import { describe, expect, it } from 'vitest';
import {
  APPLY_LIMITS_IN_WORDS,
  decodeSlots,
  encodeSlots,
  giveBack,
  slotOf,
  takeSlot,
} from '#shared/apply-limits.ts';

const T0 = new Date('2026-11-21T18:30:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const s0 = slotOf(T0);

/** Takes `n` slots one after the other at `now`, from `slots`. */
const takeMany = (slots: readonly number[], n: number, now: Date): readonly number[] => {
  let kept = slots;
  for (let index = 0; index < n; index++) {
    const decision = takeSlot(kept, now);
    if (decision.kind !== 'taken') throw new Error(`refused at ${index}`);
    kept = decision.slots;
  }
  return kept;
};

describe('apply limits (CONTRACT §7)', () => {
  it('allows 20 in a rolling hour, then refuses until the oldest of them leaves the hour', () => {
    const slots = takeMany([], 20, T0);
    expect(takeSlot(slots, at(600))).toEqual({ kind: 'refused', retryAfterSeconds: 3000 });
    expect(takeSlot(slots, at(3599.5))).toEqual({ kind: 'refused', retryAfterSeconds: 1 });
    expect(takeSlot(slots, at(3600)).kind).toBe('taken');
  });

  it('allows 100 in a rolling day: the 101st waits for the day-old slot, even in an empty hour', () => {
    let slots: readonly number[] = [];
    for (let hour = 0; hour < 5; hour++) slots = takeMany(slots, 20, at(hour * 3600));
    expect(takeSlot(slots, at(5 * 3600))).toEqual({ kind: 'refused', retryAfterSeconds: 19 * 3600 });
    const next = takeSlot(slots, at(24 * 3600));
    expect(next.kind).toBe('taken');
    // Slots older than a day are dropped, so the item never grows past 100 slots.
    if (next.kind === 'taken') expect(next.slots).toHaveLength(81);
  });

  it('waits for the later of the two windows when both are full', () => {
    let slots: readonly number[] = [];
    for (let hour = 0; hour < 4; hour++) slots = takeMany(slots, 20, at(hour * 3600));
    slots = takeMany(slots, 20, at(23 * 3600 + 1800));
    // The hour frees at 24:30, the day at 24:00: 24:30 it is.
    expect(takeSlot(slots, at(23 * 3600 + 1800))).toEqual({ kind: 'refused', retryAfterSeconds: 3600 });
  });

  it('rounds a slot up to the second, so it never frees early', () => {
    const slots = takeMany([], 20, at(0.2));
    expect(slots.every((slot) => slot === s0 + 1)).toBe(true);
    expect(takeSlot(slots, at(3600.5)).kind).toBe('refused');
  });

  it('gives back one occurrence of a slot', () => {
    expect(giveBack([s0, s0, s0 + 5], s0)).toEqual([s0, s0 + 5]);
    expect(giveBack([s0 + 5], s0)).toEqual([s0 + 5]);
  });

  it('stores 100 slots of a day in a few hundred bytes and reads them back', () => {
    const slots = Array.from({ length: 100 }, (_, index) => s0 + index * 863);
    const text = encodeSlots(slots);
    expect(decodeSlots(text)).toEqual(slots);
    expect(Buffer.byteLength(text)).toBeLessThan(500);
    expect(decodeSlots('')).toEqual([]);
  });

  it('says the limits in words from their definition', () => {
    expect(APPLY_LIMITS_IN_WORDS).toBe('20 new applications an hour, 100 a day');
  });
});
