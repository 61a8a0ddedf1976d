import { bucketOf } from '#shared/spread.ts';

/**
 * The funnel log as several delivery streams into the same bucket and prefix (docs/capacity.md "Sizing for one
 * viral video"): a Direct PUT stream takes 2,000 PutRecord requests a second by default, a viral video
 * 100,000 taps a second, one request each. Each record goes to the stream its id hashes to; the counts are
 * COUNT(DISTINCT id) over the prefix, so which stream delivered a record changes nothing, and a record written
 * again (a retry) goes to the same stream.
 */

/** How many streams the log has (set by the stack when it has more than one). @default 1 */
export const FUNNEL_STREAM_COUNT_VARIABLE = 'FUNNEL_STREAM_COUNT';

/**
 * The names of a log of `count` streams named after `base`: the first is `base` itself (a log of one stream is
 * named as it always was), then `base-1` … `base-<count − 1>`.
 */
export const funnelStreamNames = (base: string, count: number): [string, ...string[]] => {
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`a funnel log has at least one stream, not ${count}`);
  }
  const names: [string, ...string[]] = [base];
  for (let index = 1; index < count; index++) names.push(`${base}-${index}`);
  return names;
};

/** The stream (0 … count − 1) a record of this id goes to: the same for the same id, spread evenly over ids. */
export const funnelStreamIndexOf = (id: string, count: number): number =>
  count === 1 ? 0 : bucketOf(id, count);
