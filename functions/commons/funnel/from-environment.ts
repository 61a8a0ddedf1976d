import { runAthenaQuery } from '#shared/aws/athena.ts';
import { documentClient } from '#shared/aws/dynamo.ts';
import { optionalEnv, requireEnv } from '#shared/config.ts';
import { AthenaFunnelReader } from './athena-funnel-reader.ts';
import { cachedFunnelReader } from './cached-funnel-reader.ts';
import { cloudWatchDeliveredThrough } from './delivery-watermark.ts';
import { DynamoFunnelRollups } from './dynamo-funnel-rollups.ts';
import { firehoseFunnelLog } from './firehose-funnel-log.ts';
import {
  FUNNEL_STREAM_VARIABLE,
  FUNNEL_TABLE_VARIABLE,
  FUNNEL_WORKGROUP_VARIABLE,
  type FunnelLog,
} from './funnel-log.ts';
import type { FunnelReader } from './funnel-reader.ts';
import { FUNNEL_STREAM_COUNT_VARIABLE, funnelStreamNames } from './funnel-streams.ts';

/** The log's delivery streams, as the stack names them to a function that records or reads (funnel-access.ts). */
const streamNamesFromEnvironment = (): readonly [string, ...string[]] =>
  funnelStreamNames(
    requireEnv(FUNNEL_STREAM_VARIABLE),
    Number(optionalEnv(FUNNEL_STREAM_COUNT_VARIABLE, '1')),
  );

/** The funnel log of a function that records (`recordsFunnel`); a missing or bad variable fails the cold start. */
export const funnelLogFromEnvironment = (): FunnelLog => firehoseFunnelLog(streamNamesFromEnvironment());

/** Within the reading functions' timeouts (the employer API's 20 s), with room for the answer. */
const QUERY_TIMEOUT_MS = 15_000;

/**
 * The funnel's counts for a function that reads them (`queriesFunnel`; its table access keeps the keys' rollups,
 * and it reads the streams' delivery from CloudWatch), a key's answer kept a few seconds.
 */
export const funnelReaderFromEnvironment = (): FunnelReader => {
  const workGroup = requireEnv(FUNNEL_WORKGROUP_VARIABLE);
  return cachedFunnelReader(
    new AthenaFunnelReader(
      (sql, parameters) => runAthenaQuery(workGroup, sql, parameters, QUERY_TIMEOUT_MS),
      requireEnv(FUNNEL_TABLE_VARIABLE),
      new DynamoFunnelRollups(documentClient(), requireEnv('TABLE_NAME')),
      { deliveredThrough: cloudWatchDeliveredThrough(streamNamesFromEnvironment()) },
    ),
  );
};
