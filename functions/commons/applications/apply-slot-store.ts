/** What a change makes of a profile's slots: the slots to write (undefined: write nothing) and its answer. */
export type SlotChange<Result> = (slots: readonly number[]) => {
  readonly slots?: readonly number[];
  readonly result: Result;
};

/** A profile's apply slots (apply-limits.ts), changed atomically: a single-item compare-and-set. */
export interface ApplySlotStore {
  change<Result>(profileId: string, decide: SlotChange<Result>): Promise<Result>;
}
