/**
 * AWS list prices used by the cost model, us-east-1, as checked on the date below (../shared/spec/FACTS.md).
 * One dated table: when prices change, change them here and nowhere else.
 */
export const PRICES = {
  checkedOn: '2026-11-01',
  region: 'us-east-1',
  lambdaPerMillionRequests: 0.2,
  lambdaArm64PerGbSecond: 0.0000133334,
  eventBridgePerMillionEvents: 1.0,
  sqsPerMillionRequests: 0.4,
  dynamoDbPerMillionWriteUnits: 0.625,
  dynamoDbPerMillionReadUnits: 0.125,
  /**
   * HTTP API requests are billed in monthly tiers: $1.00 per million for the first 300 million, $0.90 per million
   * after that (AWS's API Gateway pricing page; FACTS.md gives the first tier).
   */
  apiGatewayHttpTiers: [
    { upToMillions: 300, perMillion: 1.0 },
    { upToMillions: Number.POSITIVE_INFINITY, perMillion: 0.9 },
  ],
  /** Firehose Direct PUT, first 500 TB a month; each record rounded up to 5 KB. */
  firehosePerGbIngested: 0.029,
  s3PerThousandPuts: 0.005,
} as const;

/**
 * The average price per million HTTP API requests in a month of `monthlyMillions` million requests: the
 * tiers apply to the month's total, so at TikTok scale most requests fall in the cheaper one.
 */
export const apiGatewayHttpPerMillionAt = (monthlyMillions: number): number => {
  let billed = 0;
  let below = 0;
  for (const tier of PRICES.apiGatewayHttpTiers) {
    const inTier = Math.max(0, Math.min(monthlyMillions, tier.upToMillions) - below);
    billed += inTier * tier.perMillion;
    below = tier.upToMillions;
  }
  return monthlyMillions > 0 ? billed / monthlyMillions : PRICES.apiGatewayHttpTiers[0].perMillion;
};
