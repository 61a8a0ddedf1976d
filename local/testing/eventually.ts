/**
 * Polls until `check` returns a value other than undefined (or stops throwing), for at most `timeoutMs`:
 * asynchronous flows are awaited by their effect, never by a fixed sleep. The bound is how long a state may
 * take to come, not how fast it should: a flow through the local runtime can stall for seconds while other
 * processes hold a busy machine's two cores, so the default is generous and costs time only on a failure.
 */
export const eventually = async <T>(
  check: () => T | undefined | Promise<T | undefined>,
  { timeoutMs = 120_000, intervalMs = 50, what = 'the expected state' } = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
