/**
 * The employer API limit (CONTRACT §7): 10 requests a second per employer, bursts of 20, as a GCRA (generic
 * cell rate algorithm): one number per employer, its theoretical arrival time (TAT). A request at `now` is
 * admitted when the TAT is at most the burst's tolerance ahead of now, and moves it one interval on (from now,
 * when it lies behind). Pure: the store keeps the TAT, this says what the numbers are.
 */
export const EMPLOYER_RATE = { perSecond: 10, burst: 20 } as const;

/** Milliseconds between requests at the sustained rate. */
export const INTERVAL_MS = 1000 / EMPLOYER_RATE.perSecond;

/** How far ahead of now the TAT may be for a request to be admitted: a full burst of back-to-back requests. */
export const TOLERANCE_MS = (EMPLOYER_RATE.burst - 1) * INTERVAL_MS;

export type RateDecision =
  | { readonly kind: 'admitted' }
  | { readonly kind: 'refused'; readonly retryAfterSeconds: number };

/** A refusal at `nowMs` with this TAT: the whole seconds until the TAT is back within the tolerance. */
export const refusedAt = (tat: number, nowMs: number): RateDecision => ({
  kind: 'refused',
  retryAfterSeconds: Math.max(1, Math.ceil((tat - TOLERANCE_MS - nowMs) / 1000)),
});

/** Counts an employer's requests against the limit, across every function instance. */
export interface EmployerRateLimiter {
  admit(employerId: string): Promise<RateDecision>;
}
