import { optionalEnv, requireEnv } from '#shared/config.ts';
import { AthenaFunnelReader } from './athena-funnel-reader.ts';
import { cachedFunnelReader } from './cached-funnel-reader.ts';
import { firehoseFunnelLog } from './firehose-funnel-log.ts';
import {
  FUNNEL_STREAM_VARIABLE,
  FUNNEL_TABLE_VARIABLE,
  FUNNEL_WORKGROUP_VARIABLE,
  type FunnelLog,
} from './funnel-log.ts';
import type { FunnelReader } from './funnel-reader.ts';
import { FUNNEL_STREAM_COUNT_VARIABLE, funnelStreamNames } from './funnel-streams.ts';

/** The funnel log of a function that records (`recordsFunnel`); a missing or bad variable fails the cold start. */
export const funnelLogFromEnvironment = (): FunnelLog =>
  firehoseFunnelLog(
    funnelStreamNames(
      requireEnv(FUNNEL_STREAM_VARIABLE),
      Number(optionalEnv(FUNNEL_STREAM_COUNT_VARIABLE, '1')),
    ),
  );

/** The funnel's counts for a function that reads them (`queriesFunnel`), a key's answer kept a few seconds. */
export const funnelReaderFromEnvironment = (): FunnelReader =>
  cachedFunnelReader(
    new AthenaFunnelReader(requireEnv(FUNNEL_WORKGROUP_VARIABLE), requireEnv(FUNNEL_TABLE_VARIABLE)),
  );
