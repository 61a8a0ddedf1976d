import { type PeriodValue, periodValues } from '#shared/aws/cloudwatch.ts';
import { logger } from '#shared/observability.ts';

/**
 * Firehose's own report of what it has delivered, read from CloudWatch: each stream's `DeliveryToS3.DataFreshness`
 * is "the age of the oldest record in Firehose; any record older than this age has been delivered to the S3
 * bucket". A sample at instant s of age X says every record that entered the stream before s − X is in S3, so a
 * period that starts at T with Maximum X says it of every record that entered before T − X. The log is delivered
 * through the earliest of those over its streams: the hours before it are final within minutes instead of the 25 h
 * Firehose may take to retry a delivery (funnel-rollup.ts `finalTapHour`).
 *
 * A stream with no datapoint in the window (idle, or its metrics not yet published) leaves the instant unknown:
 * the reads then fall back to the clock's 25 h. So the watermark helps exactly when every stream is busy, as under
 * a viral video, whose hours are the ones a read must not scan.
 */
export type DeliveredThrough = () => Promise<number | undefined>;

const PERIOD_SECONDS = 60;
/** How far back a read looks for each stream's latest period. */
const WINDOW_MS = 10 * 60_000;
/**
 * How long an environment keeps what it read: the watermark only moves forward, so an older one is safe, and the
 * metric has one datapoint a minute. It also bounds the calls: GetMetricData allows 50 a second per account.
 */
export const WATERMARK_KEPT_MS = 60_000;

/**
 * The instant the log is delivered through, from each stream's periods of Maximum DataFreshness (seconds): each
 * stream's latest period start less its age, the earliest over the streams; undefined when a stream has none.
 */
export const deliveredThroughOf = (streams: readonly (readonly PeriodValue[])[]): number | undefined => {
  let through = Number.POSITIVE_INFINITY;
  for (const periods of streams) {
    const latest = periods
      .filter(({ value }) => Number.isFinite(value) && value >= 0)
      .reduce<PeriodValue | undefined>(
        (last, period) => (last && last.at >= period.at ? last : period),
        undefined,
      );
    if (!latest) return undefined;
    through = Math.min(through, latest.at - latest.value * 1000);
  }
  return Number.isFinite(through) ? through : undefined;
};

/**
 * The funnel log's delivery watermark for its streams (`streamNames`, at most 500), read at most once per
 * `WATERMARK_KEPT_MS` per environment, reads arriving meanwhile sharing it. A failed read is unknown (the reads
 * fall back to the clock), logged, and not kept.
 */
export const cloudWatchDeliveredThrough = (
  streamNames: readonly string[],
  { read = periodValues, now = Date.now }: { read?: typeof periodValues; now?: () => number } = {},
): DeliveredThrough => {
  let kept: { readonly at: number; readonly value: Promise<number | undefined> } | undefined;
  return () => {
    const at = now();
    if (kept && at - kept.at < WATERMARK_KEPT_MS) return kept.value;
    const metrics = streamNames.map((name) => ({
      namespace: 'AWS/Firehose',
      metricName: 'DeliveryToS3.DataFreshness',
      dimensions: { DeliveryStreamName: name },
    }));
    const value = read(metrics, {
      from: at - WINDOW_MS,
      to: at,
      periodSeconds: PERIOD_SECONDS,
      statistic: 'Maximum',
    })
      .then(deliveredThroughOf)
      .catch((error: unknown) => {
        logger.warn('the funnel log’s delivery could not be read', {
          error: error instanceof Error ? error.name : 'unknown',
        });
        kept = undefined;
        return undefined;
      });
    kept = { at, value };
    return value;
  };
};
