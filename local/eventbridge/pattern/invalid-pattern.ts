/** Thrown for a pattern that EventBridge refuses (PutRule answers `InvalidEventPatternException`). */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternError';

  constructor(readonly reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
  }
}

/** Refuses the pattern with the reason worded as EventBridge words it. */
export function invalid(reason: string): never {
  throw new InvalidEventPatternError(reason);
}
