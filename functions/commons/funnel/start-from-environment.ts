import { documentClient } from '#shared/aws/dynamo.ts';
import { requireEnv } from '#shared/config.ts';
import { type CreatorFunnelStart, creatorFunnelStart } from './creator-funnel-start.ts';
import { DynamoFunnelRollups } from './dynamo-funnel-rollups.ts';

/**
 * Where creators' funnels start, for the function that applies Profile Updated (its table access writes them). Apart
 * from from-environment.ts, so that function's bundle takes no Athena or Firehose client.
 */
export const creatorFunnelStartFromEnvironment = (): CreatorFunnelStart =>
  creatorFunnelStart(new DynamoFunnelRollups(documentClient(), requireEnv('TABLE_NAME')));
