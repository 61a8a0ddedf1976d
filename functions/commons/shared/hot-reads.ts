/**
 * A viral video's taps read the same two items, its partition and its account, up to 100,000 times a second, and its
 * job's apply page the job item as often; one DynamoDB partition answers at most 3,000 strongly consistent reads a
 * second (docs/capacity.md, "Funnel"). So an environment that is serving a key at a viral rate answers it from its
 * own latest table read of that key, at most HOT_READ_MAX_AGE_MS old, instead of reading the table every time: at
 * 100,000 requests/s over ≈ 1,080 environments, ≈ 1,080 reads of the item a second. A key read less often than
 * HOT_READS_PER_SECOND in an environment is read from the table every time. With `readsPerSecond: 1` every key is
 * hot from its first read: the funnel's answer cache (#funnel/cached-funnel-reader.ts).
 */

/** Reads of one key by one environment within the last second from which the key is hot there. */
export const HOT_READS_PER_SECOND = 20;

/** How old a hot key's table read may be when it answers a tap: the staleness a viral video's viewers may see. */
export const HOT_READ_MAX_AGE_MS = 1_000;

/**
 * How long a key stays hot in an environment after the table refused a read of it for throughput. The per-environment
 * rate cannot see a video tapped thousands of times a second over many environments each seeing it a few times; the
 * partition's throttling can, and then every environment that meets it reads the key about once a second too.
 */
export const THROTTLED_HOT_MS = 10_000;

/** DynamoDB's refusals for throughput (a hot partition, a table's or account's limit). */
const THROTTLES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

const isThrottle = (error: unknown): boolean => error instanceof Error && THROTTLES.has(error.name);

/** Keys followed at most: beyond, the one read least recently is forgotten first. */
const MAX_KEYS = 1_000;

interface TableRead<T> {
  readonly at: number;
  readonly value: Promise<T>;
  answered: boolean;
}

interface KeyState<T> {
  /** When the key's latest HOT_READS_PER_SECOND reads came, oldest first. */
  readonly recent: number[];
  /** The latest table read of the key, when it started, and whether it has answered. */
  latest?: TableRead<T>;
  /** Until when the key is hot after a read of it was throttled. */
  throttledUntil?: number;
}

/**
 * `read` with hot keys answered from their latest table read when it started less than `maxAgeMs` ago. A key is hot
 * while it has been read `readsPerSecond` times within the last second here, or for THROTTLED_HOT_MS after the table
 * refused a read of it for throughput. Reads of a hot key arriving while its table read runs share that read; a
 * failed read is not kept (the answered one before it is).
 */
export const hotKeyReads = <A extends unknown[], T>(
  read: (...args: A) => Promise<T>,
  keyOf: (...args: A) => string,
  now: () => number = Date.now,
  { readsPerSecond = HOT_READS_PER_SECOND, maxAgeMs = HOT_READ_MAX_AGE_MS } = {},
): ((...args: A) => Promise<T>) => {
  const keys = new Map<string, KeyState<T>>();

  const stateOf = (key: string): KeyState<T> => {
    const known = keys.get(key);
    // Taken out and put back, so that the map's first key is always the one read least recently.
    keys.delete(key);
    if (!known && keys.size >= MAX_KEYS) {
      const oldest = keys.keys().next();
      if (!oldest.done) keys.delete(oldest.value);
    }
    const state = known ?? { recent: [] };
    keys.set(key, state);
    return state;
  };

  return (...args: A): Promise<T> => {
    const at = now();
    const state = stateOf(keyOf(...args));
    state.recent.push(at);
    if (state.recent.length > readsPerSecond) state.recent.shift();
    const hot =
      (state.recent.length === readsPerSecond && at - (state.recent[0] ?? at) < 1_000) ||
      (state.throttledUntil ?? 0) > at;
    const { latest } = state;
    if (hot && latest && at - latest.at < maxAgeMs) return latest.value;
    const value = read(...args);
    const entry: TableRead<T> = { at, value, answered: false };
    state.latest = entry;
    value.then(
      () => {
        entry.answered = true;
      },
      (error: unknown) => {
        // The read before it, if it answered, still serves while young enough: a throttled partition is not asked
        // again at once by the environment that just met its limit.
        if (state.latest === entry) {
          if (latest?.answered) state.latest = latest;
          else delete state.latest;
        }
        if (isThrottle(error)) state.throttledUntil = now() + THROTTLED_HOT_MS;
      },
    );
    return value;
  };
};
