import type { FunnelLog } from '#funnel/funnel-log.ts';

/** A funnel log that records nothing: the bench's redirects without the funnel (bench/funnel-taps.ts). */
export const NOTHING_RECORDED: FunnelLog = {
  record: async () => undefined,
  recordStep: async () => undefined,
};
