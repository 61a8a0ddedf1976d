/**
 * The apply limits of CONTRACT §7: a profile creates at most 20 new applications per rolling hour and 100 per
 * rolling day. What a profile has used is its slots: the instants (whole epoch seconds) of its new applications
 * in the last day, oldest first. Pure: the store keeps the slots, this decides.
 */

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Rolling windows and how many new applications each allows. */
export const APPLY_LIMITS: readonly { readonly seconds: number; readonly allowed: number }[] = [
  { seconds: HOUR, allowed: 20 },
  { seconds: DAY, allowed: 100 },
];

/** The limits in words, for answers and the API description: "20 new applications an hour, 100 a day". */
export const APPLY_LIMITS_IN_WORDS = APPLY_LIMITS.map(
  ({ seconds, allowed }, index) =>
    `${allowed}${index === 0 ? ' new applications' : ''} a${seconds === HOUR ? 'n hour' : ' day'}`,
).join(', ');

/** The longest window: slots older than it count for nothing and are dropped. */
const KEPT_SECONDS = Math.max(...APPLY_LIMITS.map((limit) => limit.seconds));

export type SlotDecision =
  | { readonly kind: 'taken'; readonly slot: number; readonly slots: readonly number[] }
  | { readonly kind: 'refused'; readonly retryAfterSeconds: number };

/**
 * A slot is stored rounded UP to the second, so it frees no earlier than its window says (rounding can only
 * cost the profile a fraction of a second, never grant an extra application).
 */
export const slotOf = (now: Date): number => Math.ceil(now.getTime() / 1000);

/** The slots still inside the longest window at `now`. */
const live = (slots: readonly number[], now: Date): number[] =>
  slots.filter((slot) => slot + KEPT_SECONDS > now.getTime() / 1000);

/**
 * Takes a slot at `now`, or refuses with the seconds until one frees in every full window: the slot that
 * must leave the window is the `allowed`-th newest; it leaves at its instant plus the window.
 */
export const takeSlot = (slots: readonly number[], now: Date): SlotDecision => {
  const nowSeconds = now.getTime() / 1000;
  const kept = live(slots, now).sort((a, b) => a - b);
  let freesAt = 0;
  for (const { seconds, allowed } of APPLY_LIMITS) {
    const inWindow = kept.filter((slot) => slot + seconds > nowSeconds);
    if (inWindow.length < allowed) continue;
    const leaving = inWindow[inWindow.length - allowed] ?? nowSeconds;
    freesAt = Math.max(freesAt, leaving + seconds);
  }
  if (freesAt > 0)
    return { kind: 'refused', retryAfterSeconds: Math.max(1, Math.ceil(freesAt - nowSeconds)) };
  const slot = slotOf(now);
  return { kind: 'taken', slot, slots: [...kept, slot] };
};

/** The slots without one occurrence of `slot` (a slot given back); unchanged when it is not there. */
export const giveBack = (slots: readonly number[], slot: number): readonly number[] => {
  const index = slots.indexOf(slot);
  return index < 0 ? slots : [...slots.slice(0, index), ...slots.slice(index + 1)];
};

/**
 * The slots as stored: the first instant, then each slot as its offset from the previous one, base 36 and
 * space-separated. 100 slots of a day take about 400 bytes, so the item stays under 1 KB (one write unit).
 */
export const encodeSlots = (slots: readonly number[]): string => {
  let previous = 0;
  return slots
    .map((slot) => {
      const text = (slot - previous).toString(36);
      previous = slot;
      return text;
    })
    .join(' ');
};

export const decodeSlots = (text: string): number[] => {
  if (text.trim() === '') return [];
  let previous = 0;
  return text.split(' ').map((part) => {
    previous += Number.parseInt(part, 36);
    return previous;
  });
};
